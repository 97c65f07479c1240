// The QR code of a one-time invitation link, drawn as SVG on the server (uqr: small, no
// dependencies) and handed to the page as a data: image, which the CSP's img-src allows.
import { renderSVG } from 'uqr';

export function qrCodeDataUrl(text: string): string {
  return `data:image/svg+xml;base64,${Buffer.from(renderSVG(text, { border: 2 })).toString('base64')}`;
}
