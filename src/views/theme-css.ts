// The accent colour as CSS variables, with text colours that keep WCAG AA contrast whatever the
// configured colour is (served as /assets/theme.css, so no inline style is needed).

function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

const contrast = (a: number, b: number) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);

/** Darkens the colour until it reads on white at 4.5:1. */
function readableOnWhite(hex: string): string {
  let [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
  let current = hex;
  for (let i = 0; i < 20 && contrast(luminance(current), 1) < 4.5; i++) {
    [r, g, b] = [r, g, b].map((c) => Math.floor(c * 0.85)) as [number, number, number];
    current = `#${[r, g, b].map((c) => c.toString(16).padStart(2, '0')).join('')}`;
  }
  return current;
}

export function themeCss(accent: string): string {
  const buttonText = contrast(luminance(accent), 1) >= contrast(luminance(accent), 0) ? '#ffffff' : '#000000';
  return `:root { --accent: ${accent}; --accent-contrast: ${buttonText}; --accent-text: ${readableOnWhite(accent)}; }\n`;
}
