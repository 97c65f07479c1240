// A minimal cookie-keeping HTTP client that submits the hosted HTML forms as a browser would
// without JavaScript: follows redirects by hand, keeps cookies per host, reads forms.

export interface Page {
  status: number;
  url: string;
  html: string;
  /** The answer's headers (Retry-After, Location...), when the page came from a request. */
  headers?: Headers;
}

export class FormClient {
  private cookies = new Map<string, string>();

  private cookieHeader(): string {
    return [...this.cookies.entries()].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keepCookies(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const index = pair!.indexOf('=');
      const name = pair!.slice(0, index).trim();
      const value = pair!.slice(index + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** Follows redirects until a page, or until `stopAt` matches a Location (an app's callback). */
  async request(url: string, init: RequestInit = {}, stopAt?: (location: string) => boolean): Promise<Page> {
    let current = url;
    let options: RequestInit = init;
    for (let hops = 0; hops < 20; hops++) {
      const response = await fetch(current, {
        ...options,
        redirect: 'manual',
        headers: { Accept: 'text/html', ...(options.headers as Record<string, string>), Cookie: this.cookieHeader() },
      });
      this.keepCookies(response);
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        const next = new URL(location, current).toString();
        if (stopAt?.(next)) return { status: response.status, url: next, html: '', headers: response.headers };
        current = next;
        options = {};
        continue;
      }
      return { status: response.status, url: current, html: await response.text(), headers: response.headers };
    }
    throw new Error('too many redirects');
  }

  get(url: string, stopAt?: (location: string) => boolean): Promise<Page> {
    return this.request(url, {}, stopAt);
  }

  /** Submits the page's form (the first whose action contains `actionPart`) with `fields` filled in. */
  submit(page: Page, actionPart: string, fields: Record<string, string>, stopAt?: (location: string) => boolean): Promise<Page> {
    const form = findForm(page.html, actionPart);
    const body = new URLSearchParams({ ...form.hidden, ...fields });
    return this.request(new URL(form.action, page.url).toString(), { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: body.toString() }, stopAt);
  }
}

export function findForm(html: string, actionPart: string): { action: string; hidden: Record<string, string> } {
  const forms = [...html.matchAll(/<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)];
  const match = forms.find((f) => f[1]!.includes(actionPart));
  if (!match) throw new Error(`no form with action containing ${actionPart} in:\n${html.slice(0, 2000)}`);
  // Every input that carries a value is sent as a browser would (hidden and pre-filled fields alike).
  const hidden: Record<string, string> = {};
  for (const input of match[2]!.matchAll(/<input\b([^>]*)>/g)) {
    const name = /\bname="([^"]+)"/.exec(input[1]!)?.[1];
    const value = /\bvalue="([^"]*)"/.exec(input[1]!)?.[1];
    if (name && value !== undefined) hidden[name] = decodeEntities(value);
  }
  return { action: decodeEntities(match[1]!), hidden };
}

export function decodeEntities(text: string): string {
  return text.replace(/&amp;/g, '&').replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#x3D;/g, '=');
}

/** The text of the element with this id, or null. */
export function textOf(html: string, id: string): string | null {
  const match = new RegExp(`id="${id}"[^>]*>([\\s\\S]*?)</`).exec(html);
  return match ? decodeEntities(match[1]!.replace(/<[^>]+>/g, '').trim()) : null;
}
