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

/**
 * Paces `fn` for page updates that follow messages arriving faster than anyone reads them: the returned
 * `request()` runs `fn` at once when `everyMs` have passed since it last ran, else once at the end of that
 * interval (then showing the latest state); `request(true)` runs it at once and drops a pending call.
 */
export function paced(fn: () => void, everyMs: number): (now?: boolean) => void {
  let last = -Infinity;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const run = (): void => {
    timer = null;
    last = performance.now();
    fn();
  };
  return (now = false) => {
    if (timer !== null) {
      if (!now) return;
      clearTimeout(timer);
    }
    const wait = everyMs - (performance.now() - last);
    if (now || wait <= 0) run();
    else timer = setTimeout(run, wait);
  };
}
