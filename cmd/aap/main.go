// Command aap runs the engine of the calls for projects: `aap dev`, `aap api`,
// `aap worker`, `aap migrate` (see README.md).
package main

import (
	"os"

	"github.com/dian-p104/aap/internal/engine"
)

func main() {
	os.Exit(engine.Main(os.Args[1:], os.Stdout, os.Stderr))
}
