/**
 * What `effect-xtopay` exports: the docs' Effect 4 samples import the package by name, and this is
 * what they get (the edition's public entry point, from source).
 */
export * from "../../src/index.js"
