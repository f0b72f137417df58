package logs

import (
	"testing"

	"github.com/ecsmini/ecsmini/emulator/agent"
)

// The collector repeats the agent's label keys instead of importing the agent.
func TestLabelsMatchTheAgent(t *testing.T) {
	if labelTaskARN != agent.LabelTaskARN || labelContainerName != agent.LabelContainerName {
		t.Errorf("labels %q, %q; the agent sets %q, %q", labelTaskARN, labelContainerName, agent.LabelTaskARN, agent.LabelContainerName)
	}
}
