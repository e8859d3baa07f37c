/**
 * Finds the public API that has no doc comment: every export of an entry point (following
 * re-exports and `export * as Name` namespaces), the declarations inside exported namespaces, and
 * the public members of exported classes (`XtopayClient.layer`). Interface properties are not
 * required: many mirror wire fields whose meaning the type already says. A comment counts only
 * when it has prose: `/** @since 0.1.0 *\/` alone documents nothing for a reader of the API
 * reference.
 */
import { join, relative, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import ts from "typescript"

const root = fileURLToPath(new URL("..", import.meta.url))

/** An exported declaration with no prose in its doc comment. */
export interface Undocumented {
  /** The name a user writes, e.g. `Customers.create` or `XtopayClient.Service.baseUrl`. */
  readonly name: string
  /** `src/Customers.ts:42`. */
  readonly location: string
}

const hasProse = (node: ts.Node): boolean =>
  ts.getJSDocCommentsAndTags(node).some((doc) =>
    ts.isJSDoc(doc) && (ts.getTextOfJSDocComment(doc.comment) ?? "").trim() !== ""
  )

const isPrivate = (member: ts.ClassElement): boolean =>
  (member.name !== undefined && ts.isPrivateIdentifier(member.name)) ||
  (ts.getCombinedModifierFlags(member as ts.Declaration) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) !== 0

/** Lists what `entryPoints` (absolute paths) export without a doc comment. */
export const findUndocumented = (entryPoints: ReadonlyArray<string>, repoRoot: string = root): Array<Undocumented> => {
  const srcDir = join(repoRoot, "src")
  const config = ts.getParsedCommandLineOfConfigFile(join(repoRoot, "tsconfig.build.json"), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"))
    }
  })
  if (config === undefined) throw new Error("Cannot read tsconfig.build.json")
  const program = ts.createProgram({ rootNames: [...entryPoints], options: { ...config.options, noEmit: true } })
  const checker = program.getTypeChecker()
  const found = new Map<string, Undocumented>()
  const seen = new Set<string>()

  const ours = (node: ts.Node): boolean => resolve(node.getSourceFile().fileName).startsWith(srcDir)
  const report = (name: string, node: ts.Node): void => {
    const source = node.getSourceFile()
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1
    const location = `${relative(repoRoot, source.fileName)}:${line}`
    found.set(`${name} ${location}`, { name, location })
  }
  const require = (name: string, node: ts.Node): void => {
    if (!hasProse(node)) report(name, node)
  }

  const visitMembers = (name: string, members: ReadonlyArray<ts.ClassElement>): void => {
    for (const member of members) {
      if (member.name === undefined || ts.isConstructorDeclaration(member) || isPrivate(member)) continue
      require(`${name}.${member.name.getText()}`, member)
    }
  }

  const visitDeclaration = (name: string, node: ts.Declaration): void => {
    if (!ours(node)) return
    const key = `${name}@${node.getSourceFile().fileName}:${node.pos}`
    if (seen.has(key)) return
    seen.add(key)
    if (ts.isSourceFile(node)) {
      // `export * as Customers from "./Customers.js"`: the module's header comment, then its exports.
      const first = node.statements[0]
      if (first === undefined || !hasProse(first)) report(name, first ?? node)
      const symbol = checker.getSymbolAtLocation(node)
      if (symbol !== undefined) visitExports(name, symbol)
      return
    }
    require(name, node)
    if (ts.isClassDeclaration(node)) visitMembers(name, node.members)
    if (ts.isModuleDeclaration(node) && node.body !== undefined && ts.isModuleBlock(node.body)) {
      for (const statement of node.body.statements) {
        if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement) || ts.isClassDeclaration(statement)) {
          if (statement.name !== undefined) visitDeclaration(`${name}.${statement.name.text}`, statement)
        }
      }
    }
  }

  const visitSymbol = (name: string, symbol: ts.Symbol): void => {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol
    for (const declaration of target.declarations ?? []) visitDeclaration(name, declaration)
  }

  const visitExports = (prefix: string, moduleSymbol: ts.Symbol): void => {
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      visitSymbol(prefix === "" ? exported.name : `${prefix}.${exported.name}`, exported)
    }
  }

  for (const entry of entryPoints) {
    const source = program.getSourceFile(entry)
    if (source === undefined) throw new Error(`${entry} is not part of the program`)
    const symbol = checker.getSymbolAtLocation(source)
    if (symbol !== undefined) visitExports("", symbol)
  }
  return [...found.values()].sort((a, b) => a.location.localeCompare(b.location, undefined, { numeric: true }))
}

const main = (): void => {
  const entries = process.argv.slice(2)
  const undocumented = findUndocumented(entries.length > 0 ? entries.map((entry) => resolve(entry)) : [join(root, "src", "index.ts")])
  for (const item of undocumented) console.log(`${item.location}  ${item.name}`)
  console.log(`${undocumented.length} exported declarations without a doc comment`)
  if (undocumented.length > 0) process.exitCode = 1
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main()
