/**
 * `effect/http`'s client as the SDK runs it, for the rows that measure the platform alone: its own
 * span off (the call's span is the SDK's client span). No SDK code here, so loading it loads no build.
 */
import { Effect } from "effect"
import * as HttpClient from "effect/http/HttpClient"

export const withoutPlatformSpans = (client: HttpClient.HttpClient): HttpClient.HttpClient =>
  HttpClient.transform(client, (effect) => Effect.provideService(effect, HttpClient.TracerDisabledWhen, () => true))
