package cli

import (
	"sync/atomic"

	"github.com/ecsmini/ecsmini/emulator/alarms"
)

// lateAlarms gives the emulator's deployment strategies the CloudWatch alarm states.
// The alarms service is opened after the emulator (it evaluates the emulator's
// services), so the emulator's Config holds this and the service is filled in once open;
// until then every alarm is unknown, which a deployment reads as not in ALARM.
type lateAlarms struct {
	svc atomic.Pointer[alarms.Service]
}

// AlarmState is the named alarm's state, "" while it or the service is unknown.
func (l *lateAlarms) AlarmState(name string) string {
	if s := l.svc.Load(); s != nil {
		return s.AlarmState(name)
	}
	return ""
}
