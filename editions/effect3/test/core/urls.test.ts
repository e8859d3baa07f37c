/**
 * Core's URL rules: the client's base URL, loopback hosts, and the raw path of
 * `XtopayClient.request`. Each edition wraps the same answers in its own error type.
 */
import { assert, describe, it } from "@effect/vitest"
import { checkBaseUrl, insecureHost, isLoopbackHost, isRawPath } from "#core/urls.js"

describe("isLoopbackHost", () => {
  it("is localhost, [::1] and 127.0.0.0/8, nothing else", () => {
    for (const host of ["localhost", "[::1]", "127.0.0.1", "127.255.3.4"]) assert.isTrue(isLoopbackHost(host), host)
    for (const host of ["localhost.example.com", "128.0.0.1", "10.0.0.1", "[::2]", "127.0.0.1.nip.io", "api.xtopay.co"]) {
      assert.isFalse(isLoopbackHost(host), host)
    }
  })
})

describe("checkBaseUrl", () => {
  const valid = (url: string, insecure = false) => {
    const checked = checkBaseUrl(url, insecure)
    return checked._tag === "Valid" ? checked.baseUrl : undefined
  }
  const message = (url: string) => {
    const checked = checkBaseUrl(url, false)
    return checked._tag === "Invalid" ? checked.message : ""
  }

  it("keeps https and loopback http, without a trailing slash", () => {
    assert.strictEqual(valid("https://api.xtopay.co/v1/"), "https://api.xtopay.co/v1")
    assert.strictEqual(valid("http://localhost:4010"), "http://localhost:4010")
    assert.strictEqual(valid("http://127.0.0.1:4010/v1//"), "http://127.0.0.1:4010/v1")
    assert.strictEqual(valid("http://[::1]:4010"), "http://[::1]:4010")
  })

  it("refuses plain http elsewhere unless allowed, and credentials, queries, fragments and non-URLs always", () => {
    assert.include(message("http://mock.internal:4010"), "must use https")
    assert.strictEqual(valid("http://mock.internal:4010", true), "http://mock.internal:4010")
    assert.include(message("https://user:pass@api.xtopay.co"), "must not hold credentials")
    assert.include(message("https://api.xtopay.co/v1?x=1"), "must not have a query or fragment")
    assert.include(message("https://api.xtopay.co/v1#top"), "must not have a query or fragment")
    assert.include(message("api.xtopay.co"), "Expected an absolute URL")
    assert.include(message("ftp://api.xtopay.co"), "must use https")
  })
})

describe("insecureHost", () => {
  it("names the host of plain http to another machine, and only that", () => {
    assert.strictEqual(insecureHost("http://mock.internal:4010"), "mock.internal:4010")
    assert.isUndefined(insecureHost("http://localhost:4010"))
    assert.isUndefined(insecureHost("https://api.xtopay.co/v1"))
  })
})

describe("isRawPath", () => {
  it("takes / and plain segments", () => {
    for (const path of ["/", "/subscriptions", "/subscriptions/sub_1", "/a/b.c/d..e"]) assert.isTrue(isRawPath(path), path)
  })

  it("refuses a missing or doubled leading slash, a query, fragment, space or backslash, and . or .. (encoded too)", () => {
    for (
      const path of ["", "subscriptions", "//evil.example", "/a?b=1", "/a#b", "/a b", "/a\\b", "/a/./b", "/a/../b", "/..", "/a/%2e%2e/b", "/a/%2E", "/%2e%2E"]
    ) assert.isFalse(isRawPath(path), path)
  })
})
