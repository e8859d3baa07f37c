/**
 * The hosted pages' escaping: text put into an `html` template can never become markup, in
 * element content or in a quoted attribute.
 */
import { assert, describe, it } from "@effect/vitest"
import { escapeHtml, html } from "#core/fake/html.js"

const HOSTILE = [
  `<script>alert(1)</script>`,
  `"><img src=x onerror=alert(1)>`,
  `' onmouseover='alert(1)`,
  `&lt;already&gt; &amp; &#39;`,
  `</textarea></title><svg onload=alert(1)>`,
  `javascript:alert(1)`
]

/** Undoes the five entities (as a browser's parser would), independently of the module. */
const unescape = (text: string) =>
  text.replace(/&(lt|gt|quot|#39|amp);/g, (_, name: string) => ({ lt: "<", gt: ">", quot: "\"", "#39": "'", amp: "&" })[name]!)

describe("escapeHtml", () => {
  it("turns & < > \" ' into entities and leaves everything else", () => {
    assert.strictEqual(escapeHtml(`a&b<c>d"e'f`), "a&amp;b&lt;c&gt;d&quot;e&#39;f")
    assert.strictEqual(escapeHtml("Ama Owusu +233 é ✓"), "Ama Owusu +233 é ✓")
  })

  for (const text of HOSTILE) {
    it(`keeps ${JSON.stringify(text)} text: no < > quote left, and it reads back as given`, () => {
      const escaped = escapeHtml(text)
      assert.notMatch(escaped, /[<>"']/)
      assert.strictEqual(unescape(escaped), text)
    })
  }
})

describe("html templates", () => {
  it("escape every interpolated value, in content and in attributes", () => {
    const rendered = html`<p title="${HOSTILE[1]!}">${HOSTILE[0]!}</p>`.text
    assert.strictEqual(rendered, `<p title="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">&lt;script&gt;alert(1)&lt;/script&gt;</p>`)
  })

  it("keep markup made by a template as it is (not escaped twice), join lists, and drop null, undefined and false", () => {
    const item = (name: string) => html`<li>${name}</li>`
    const rendered = html`<ul>${["a&b", "<c>"].map(item)}</ul>${null}${undefined}${false}${0}`.text
    assert.strictEqual(rendered, "<ul><li>a&amp;b</li><li>&lt;c&gt;</li></ul>0")
  })

  it("never take a plain string as markup", () => {
    const sneaky = "<b>bold</b>"
    assert.strictEqual(html`${sneaky}`.text, "&lt;b&gt;bold&lt;/b&gt;")
  })
})
