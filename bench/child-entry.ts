/**
 * The entry of a measuring child process: `child-entry.ts <scenario module URL> <input JSON>`.
 * Imports the scenario, runs its `measure(input)`, sends the result to the parent and exits
 * (keep-alive sockets would otherwise hold the process open).
 */
const [moduleUrl, input] = process.argv.slice(2)

const reply = (message: unknown) =>
  new Promise<void>((resolve) => {
    if (process.send === undefined) return resolve()
    process.send(message, () => resolve())
  })

try {
  const scenario = (await import(moduleUrl!)) as { measure: (input: unknown) => Promise<unknown> }
  const value = await scenario.measure(JSON.parse(input!))
  await reply({ ok: true, value })
  process.exit(0)
} catch (error) {
  await reply({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) })
  process.exit(1)
}
