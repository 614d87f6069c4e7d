package engine

import (
	"fmt"
	"strconv"
)

// commandID reads the id of `aap <kind> <verb> <id>` (args[0] is the verb), with the
// message saying how to find it; `aap agent` and `aap token` share it.
func commandID(kind string, args []string) (uint64, error) {
	if len(args) != 2 {
		return 0, fmt.Errorf("expected the %s's id: aap %s %s <id>", kind, kind, args[0])
	}
	id, err := strconv.ParseUint(args[1], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s id %q: expected a number (aap %s list shows them)", kind, args[1], kind)
	}
	return id, nil
}
