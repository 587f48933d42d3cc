// Calls the server's API (same origin) with the API key when one is entered, and turns its JSON
// errors into sentences a visitor can act on.

const KEY_STORAGE = "mlportfolio.apiKey";

export function apiKey() {
  return sessionStorage.getItem(KEY_STORAGE) || "";
}

export function setApiKey(value) {
  if (value) {
    sessionStorage.setItem(KEY_STORAGE, value);
  } else {
    sessionStorage.removeItem(KEY_STORAGE);
  }
}

/** An answer that was not a success, with the words to show. */
export class ApiProblem extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const GENERAL = {
  401: "This server needs an API key: enter it under “API key” at the top of the page.",
  429: "Too many requests from you for now; wait a little and try again.",
};

/** fetch() with the key; never throws on an HTTP status (see check). */
export async function call(path, options = {}) {
  const headers = new Headers(options.headers || {});
  const key = apiKey();
  if (key) {
    headers.set("Authorization", "Bearer " + key);
  }
  try {
    return await fetch(path, {...options, headers});
  } catch (e) {
    throw new ApiProblem(0, "network", "The server did not answer (" + e.message + "). Is it running?");
  }
}

/**
 * Throws an ApiProblem for an answer that is not 2xx. words maps a status or an error code to the
 * sentence for this part of the page; the server's own message follows it.
 */
export async function check(response, words = {}) {
  if (response.ok) {
    return response;
  }
  let code = "http_" + response.status;
  let message = response.statusText;
  try {
    const body = await response.json();
    code = body.error || code;
    message = body.message || message;
  } catch {
    // not JSON (a proxy's page): the status says enough
  }
  const lead = words[code] || words[response.status] || GENERAL[response.status] || "The server refused the request.";
  const retry = response.headers.get("Retry-After");
  const tail = retry ? " Try again in " + retry + " s." : "";
  const capital = message.charAt(0).toUpperCase() + message.slice(1);
  const sentence = /[.!?]$/.test(capital) ? capital : capital + ".";
  throw new ApiProblem(response.status, code, lead + " " + sentence + tail);
}

export async function getJson(path, words) {
  const response = await check(await call(path), words);
  return response.json();
}
