// JSON calls to the demo server. A failed call throws an Error carrying the server's words for
// the shop owner or buyer (shop.zh / shop.en) and its code for support.
export async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: body ? { "content-type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
    credentials: "same-origin",
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    const error = new Error(data.message || `HTTP ${res.status}`);
    error.code = data.code || String(res.status);
    error.shop = data.shop || {
      zh: "网络或服务器出错，请稍后再试。",
      en: "The network or server failed. Please try again later.",
    };
    throw error;
  }
  return data;
}
