// Package archtest holds no code: its test keeps the dependencies between the engine's
// packages pointing one way, cmd → internal/engine (the composition root) → api | worker →
// workflows → activities → models and the rest of internal/.
package archtest
