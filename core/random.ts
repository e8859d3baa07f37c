/**
 * Unguessable tokens from Web Crypto (hosted-page link tokens), never from a seed: both editions
 * hand this to core's fake.
 */

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"

/** `length` characters from `[a-z0-9]`, each equally likely. */
export const randomToken = (length: number): string => {
  let out = ""
  while (out.length < length) {
    // Bytes of 252 and above are skipped (252 = 7 × 36), so every character is equally likely.
    for (const byte of crypto.getRandomValues(new Uint8Array(32))) if (byte < 252 && out.length < length) out += ALPHABET[byte % 36]
  }
  return out
}
