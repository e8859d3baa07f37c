/**
 * `npm run bench` of the Effect 4 edition: every scenario, each against its baseline, in one run
 * (the runner is the shared harness's, `bench/runner.ts` at the repository's root, which lists the
 * flags); a full run writes bench/results.json and the figures in docs/performance.md, beside the
 * Effect 3 edition's.
 *
 *   npm run bench                          builds dist, then the full run
 *   npm run bench -- --quick               smaller sizes, nothing written
 *   npm run bench -- --only peers,stream   some scenarios, nothing written
 *   npm run bench -- --report              only re-renders docs/performance.md
 */
import { runBench } from "../../../bench/runner.js"
import { mockCli } from "./harness/sdk.js"
import { scenario as connections } from "./scenarios/connections.js"
import { scenario as create } from "./scenarios/create.js"
import { scenario as decode } from "./scenarios/decode.js"
import { scenario as inFlight } from "./scenarios/in-flight.js"
import { scenario as nodeStream } from "./scenarios/node-stream.js"
import { scenario as peers } from "./scenarios/peers.js"
import { scenario as prefetch } from "./scenarios/prefetch.js"
import { scenario as rateLimit } from "./scenarios/rate-limit.js"
import { scenario as retrieve } from "./scenarios/retrieve.js"
import { scenario as stream } from "./scenarios/stream.js"
import { scenario as xtopayTest } from "./scenarios/xtopay-test.js"

await runBench({
  edition: "Effect 4",
  scenarios: [peers, inFlight, nodeStream, retrieve, create, stream, decode, xtopayTest, prefetch, connections, rateLimit],
  mockCli: mockCli()
})
