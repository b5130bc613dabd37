/** Saves text or a Blob as a file through the browser's own download (an object URL on a transient link). */
export function download(name: string, content: string | Blob, type = 'application/json'): void {
  const url = URL.createObjectURL(
    typeof content === 'string' ? new Blob([content], { type }) : content,
  );
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
