export const USAGE = `Usage: paybridge-sandbox [options]

Runs local, signed simulators of the payment providers for testing your own integration offline.
With no simulator flag it starts all of them.

Options:
  --wechat[=PORT]          start the WeChat Pay APIv3 simulator (PORT 0 or omitted: a free port)
  --alipay[=PORT]          start the Alipay gateway simulator (PORT 0 or omitted: a free port)
  --host HOST              address to bind (default 127.0.0.1; loopback only unless --allow-remote)
  --allow-remote           allow a non-loopback --host and notifications to non-loopback URLs
  --keys-dir DIR           read keys from DIR/<simulator>/ when present, else generate them and write
                           them there (private keys mode 0600); without it keys live in memory
  --wechat-mode MODE       platform_certificate (default), public_key, or switch (moving from the
                           first to the second: answers signed by the request's Wechatpay-Serial,
                           notifications by either key, ramping 0.1% -> 100% over seven days)
  --wechat-switch-ratio R  with switch: a fixed share (0..1) of notifications signed by the public key
  --wechat-switch-day-ms MS
                           with switch: WeChat's seven-day ramp with each day MS long (1000: seven
                           seconds); the sandbox clock also moves with POST /sandbox/control/advance
  --alipay-mode MODE       public_key (default) or certificate (公钥证书模式, with cert SNs)
  --alipay-rotate-every-ms MS
                           with certificate: issue a new Alipay public-key certificate (new key, new
                           alipay_cert_sn) every MS ms; POST /__sandbox/certificates/rotate does it once
  --wechat-sub-mchid MCHID[:SUB_APPID]
                           (repeatable) the WeChat merchant is a service provider (服务商, its mchid
                           is sp_mchid) with this sub-merchant on /v3/pay/partner/transactions/...
  --alipay-app-auth-token TOKEN[:AUTH_APP_ID[:SELLER_ID]]
                           (repeatable) the Alipay app is an ISV app this merchant authorised: calls
                           carry app_auth_token TOKEN and each merchant's trades are its own
  --allow-http-notify      accept http notify_url on loopback hosts (127.0.0.1, localhost, [::1]);
                           WeChat accepts only https, so without it the sandbox refuses http too
  --json                   print one JSON document describing the endpoints, keys and control API
  -h, --help               show this help

Stops cleanly on Ctrl-C (SIGINT) or SIGTERM. Exit status: 0 stopped, 1 could not start, 2 bad flags.
Full guide: docs/sandbox.md in the PayBridge repository; the @paybridge/sandbox README has a summary.
`;
