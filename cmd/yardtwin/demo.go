package main

import "go.uber.org/fx"

// demoModule feeds the twin with the demo scenario when --demo is set.
func demoModule(f serveFlags) fx.Option {
	return fx.Options()
}

// loadServeTerminal picks the layout of "serve": --layout, else the demo scenario's, else the default.
func loadServeTerminal(f serveFlags) (terminal, error) {
	return loadTerminal(f.Layout)
}
