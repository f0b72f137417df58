package workload

import (
	"os"
	"os/signal"
	"syscall"
)

// earlySignals, when the process is `ecsmini workload`, receives SIGTERM and SIGINT from
// package initialisation on. As PID 1 in a container, a Go program that gets SIGTERM
// before it asks for it exits with code 2 (the kernel ignores the runtime's attempt to
// die from the signal), so a task stopped right after it started would look crashed.
// Subscribing here, before main and flag parsing, leaves only the runtime's own start-up
// exposed. Other ecsmini commands keep Go's default signal behaviour.
var earlySignals chan os.Signal

func init() {
	if len(os.Args) > 1 && os.Args[1] == "workload" && (len(os.Args) < 3 || os.Args[2] != "probe") {
		earlySignals = make(chan os.Signal, 4)
		signal.Notify(earlySignals, syscall.SIGTERM, syscall.SIGINT)
	}
}
