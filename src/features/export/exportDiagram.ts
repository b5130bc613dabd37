const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * What the page's stylesheet gives the diagram and a file on its own would lack:
 * the font (inherited from the page) and the white paper. Colours, sizes and
 * dashes are attributes on the shapes already; the rest of styles.css's
 * `.seq-*` / `.sequence-*` rules are cursors and layout of the page around it.
 */
const STANDALONE_STYLE = `svg { font-family: 'DejaVu Sans', sans-serif; background: #fff; }
text { font-family: 'DejaVu Sans', sans-serif; }`;

/** The diagram's size: its width/height attributes, else its box on the page. */
function sizeOf(svg: SVGSVGElement): { width: number; height: number } {
  const box = svg.getBoundingClientRect();
  const width = Number(svg.getAttribute('width')) || box.width || 760;
  const height = Number(svg.getAttribute('height')) || box.height || 560;
  return { width, height };
}

/**
 * The diagram as a standalone SVG document (XML declaration, namespaces, size
 * and viewBox, its font and white background inlined) that opens the same in a
 * browser, an editor or an `<img>`.
 */
export function svgText(svg: SVGSVGElement): string {
  const { width, height } = sizeOf(svg);
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute('xmlns', SVG_NS);
  copy.setAttribute('xmlns:xlink', 'http://www.w3.org/1999/xlink');
  copy.setAttribute('width', String(width));
  copy.setAttribute('height', String(height));
  if (!copy.getAttribute('viewBox')) copy.setAttribute('viewBox', `0 0 ${width} ${height}`);
  // What only the live page needs: focus, and the reduced-motion class.
  for (const name of ['tabindex', 'class', 'data-focus-seq']) copy.removeAttribute(name);
  const doc = svg.ownerDocument;
  const style = doc.createElementNS(SVG_NS, 'style');
  style.textContent = STANDALONE_STYLE;
  // Paper first, so viewers that ignore the CSS background still show white, not transparency.
  const paper = doc.createElementNS(SVG_NS, 'rect');
  for (const [name, value] of Object.entries({
    x: '0',
    y: '0',
    width: String(width),
    height: String(height),
    fill: '#fff',
  }))
    paper.setAttribute(name, value);
  copy.insertBefore(paper, copy.firstChild);
  copy.insertBefore(style, copy.firstChild);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}\n`;
}

/**
 * The diagram as a PNG at `scale` times its size (2: sharp on a high-density
 * screen or a projector), drawn from svgText on a white canvas.
 */
export async function pngBlob(svg: SVGSVGElement, scale = 2): Promise<Blob> {
  const { width, height } = sizeOf(svg);
  const image = new Image();
  image.decoding = 'sync';
  const loaded = new Promise<void>((resolve, reject) => {
    image.onload = () => resolve();
    image.onerror = () => reject(new Error('the diagram could not be drawn as an image'));
  });
  // A data URL rather than a blob: URL: no browser taints the canvas for one.
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgText(svg))}`;
  await loaded;
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('this browser has no 2D canvas');
  context.fillStyle = '#fff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  return new Promise<Blob>((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('the PNG could not be encoded'))),
      'image/png',
    ),
  );
}
