// Builds elements from text only: every string from the server or the user goes in as a text node,
// never as HTML, so nothing in a resume, a question or a file name can become markup.

/** el("li", {class: "x"}, "text", child) */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null && value !== false) {
      node.setAttribute(name, value === true ? "" : String(value));
    }
  }
  for (const child of children) {
    if (child !== undefined && child !== null) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return node;
}

export function clear(node) {
  node.replaceChildren();
}

/** Sets a status line, marked as an error or not. */
export function say(node, text, isError = false) {
  node.textContent = text;
  node.classList.toggle("error", isError);
}

/** An http(s) URL as an href, or null: a server-supplied link must not be javascript: or data:. */
export function safeHref(value) {
  try {
    const url = new URL(value, window.location.href);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}
