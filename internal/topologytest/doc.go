// Package topologytest holds the end-to-end test of the production topology: a Temporal
// server built from the module in go.mod on PostgreSQL, `aap migrate`, `aap api`, two
// `aap worker` and a real SMTP receiver, one of the workers killed mid-send. It has no
// code of its own outside its tests.
package topologytest
