// The package's types, both generated at build time: native.d.ts by `napi build`
// from the Rust sources, errors.d.ts by tsc from errors.js.
export * from './native'
export * from './errors'
