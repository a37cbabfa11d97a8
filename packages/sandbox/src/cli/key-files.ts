import { createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RsaKeyPair } from "../shared/rsa.js";
import { CliStartError } from "./errors.js";

/** Which of `names` exist in `dir`: none (generate), all (read) or some (refuse: never overwrite half a set). */
export function keySetState(dir: string, names: readonly string[]): "absent" | "complete" {
  const present = names.filter((n) => existsSync(join(dir, n)));
  if (present.length === 0) return "absent";
  if (present.length === names.length) return "complete";
  const missing = names.filter((n) => !present.includes(n));
  throw new CliStartError(
    `${dir} holds an incomplete key set: missing ${missing.join(", ")}. ` +
      "Restore those files, or delete the folder to generate a fresh set.",
  );
}

export function ensureKeyDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/**
 * Writes a new file; `secret` files (private keys, the APIv3 key) get mode 0600 so only their owner
 * reads them. `wx` never overwrites an existing file.
 */
export function writeKeyFile(dir: string, name: string, content: string, secret: boolean): string {
  const path = join(dir, name);
  const mode = secret ? 0o600 : 0o644;
  writeFileSync(path, content, { mode, flag: "wx" });
  // The umask can only clear bits, but make the mode exact anyway.
  chmodSync(path, mode);
  return path;
}

export function readKeyFile(dir: string, name: string): string {
  const path = join(dir, name);
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new CliStartError(`cannot read ${path}: ${(error as Error).message}`);
  }
}

/**
 * A private key and its public half (a certificate or an SPKI PEM), checked to belong together so
 * a mixed-up folder fails here with the file names rather than later as a signature error.
 */
export function matchingPair(
  dir: string,
  privateName: string,
  publicName: string,
): { pair: RsaKeyPair; serial: string | undefined } {
  const privatePem = readKeyFile(dir, privateName);
  const publicPem = readKeyFile(dir, publicName);
  try {
    const privateKey = createPrivateKey(privatePem);
    const derived = createPublicKey(privateKey).export({ type: "spki", format: "pem" }).toString();
    const isCertificate = publicPem.includes("-----BEGIN CERTIFICATE");
    const cert = isCertificate ? new X509Certificate(publicPem) : undefined;
    const given = (cert ? cert.publicKey : createPublicKey(publicPem))
      .export({ type: "spki", format: "pem" })
      .toString();
    if (given !== derived) {
      throw new CliStartError(`${join(dir, privateName)} is not the private key of ${join(dir, publicName)}`);
    }
    return {
      pair: {
        privateKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
        publicKey: derived,
      },
      // X509Certificate gives the serial as uppercase hex, the form WeChat prints serials in.
      serial: cert?.serialNumber.toUpperCase(),
    };
  } catch (error) {
    if (error instanceof CliStartError) throw error;
    throw new CliStartError(
      `cannot load ${join(dir, privateName)} / ${join(dir, publicName)}: ${(error as Error).message}`,
    );
  }
}
