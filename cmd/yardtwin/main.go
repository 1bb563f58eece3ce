// Command yardtwin is the digital twin of a container-terminal yard: it serves the live yard, replays
// the event log into read models, and (later) runs the simulator. Run "yardtwin help" for the commands.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

func main() {
	if err := newRoot().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "yardtwin:", err)
		os.Exit(1)
	}
}

func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:           "yardtwin",
		Short:         "An event-sourced digital twin of container-terminal yard operations",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newServe(), newReplay(), newHealth(), newEvents(), newDevbroker(), newSim())
	return root
}
