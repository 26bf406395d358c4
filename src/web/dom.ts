/** Small DOM helpers of the page: elements by id, downloads, the error banner. */

/** An element by id (the page's own markup: a missing one is a bug). */
export function el<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`index.html has no #${id}`);
  return e as T;
}

/** Offers `data` as a file download named `name`. */
export function download(name: string, data: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Shows a readable error above the view until dismissed or cleared. */
export function showError(text: string): void {
  el('error-text').textContent = text;
  el('error').hidden = false;
}

export function clearError(): void {
  el('error').hidden = true;
}
