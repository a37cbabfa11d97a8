import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";

/**
 * PEM keys parsed once. node:crypto parses a PEM string again on every sign or verify, and with
 * OpenSSL 3 that parse costs more than the RSA operation itself (about 2 of the 3 ms a PEM sign
 * took on the bench machine), so the simulators keep each key as a KeyObject. The maps hold one
 * entry per key the sandbox ever used: a handful, plus one per rotation.
 */
const privateKeys = new Map<string, KeyObject>();
const publicKeys = new Map<string, KeyObject>();

export function privateKeyObject(pem: string): KeyObject {
  let key = privateKeys.get(pem);
  if (!key) {
    key = createPrivateKey(pem);
    privateKeys.set(pem, key);
  }
  return key;
}

export function publicKeyObject(pem: string): KeyObject {
  let key = publicKeys.get(pem);
  if (!key) {
    key = createPublicKey(pem);
    publicKeys.set(pem, key);
  }
  return key;
}
