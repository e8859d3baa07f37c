/**
 * Server-rendered HTML for the hosted pages, escaped by construction: every value put into an
 * `html` template is escaped unless it is itself `Html` made by a template.
 */

/** Markup that is already safe to send. Only `html` makes it. */
export class Html {
  private constructor(readonly text: string) {}
  /** @internal */
  static unsafe(text: string): Html {
    return new Html(text)
  }
}

const ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  "\"": "&quot;",
  "'": "&#39;"
}

/** Escapes text for an element's content or a double- or single-quoted attribute value. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => ENTITIES[char]!)

/** A value a template takes: text (escaped), a number, markup, a list of them, or nothing. */
export type HtmlValue = string | number | Html | ReadonlyArray<HtmlValue> | null | undefined | false

const render = (value: HtmlValue): string => {
  if (value === null || value === undefined || value === false) return ""
  if (value instanceof Html) return value.text
  if (Array.isArray(value)) return value.map(render).join("")
  return escapeHtml(String(value))
}

/** A template whose interpolations are escaped: html`<p>${name}</p>`. */
export const html = (strings: TemplateStringsArray, ...values: ReadonlyArray<HtmlValue>): Html => {
  let out = strings[0]!
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!
  return Html.unsafe(out)
}
