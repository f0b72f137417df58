package ec2sim

import (
	"strings"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"pgregory.net/rapid"
)

// Any jumble of the language's tokens either parses into an expression that can be matched,
// or fails with an InvalidParameterException; nothing panics.
func TestPropertyParseNeverPanics(t *testing.T) {
	pieces := []string{
		"attribute:stack", "task:group", "agentVersion", "registeredAt", "runningTasksCount", "agentConnected",
		"ec2InstanceId", "==", "!=", ">", ">=", "<", "<=", "=~", "!~", "!", "exists", "in", "not_in", "matches",
		"and", "or", "not", "&&", "||", "(", ")", "[", "]", ",", "'", "\"", "prod", "1.2.3", "2018-01-01", "3",
		"t2.(a|b)", "\\", "=", "&", "|", "true", "service:web",
	}
	c := queryCandidate()
	rapid.Check(t, func(t *rapid.T) {
		toks := rapid.SliceOfN(rapid.SampledFrom(pieces), 0, 12).Draw(t, "tokens")
		sep := rapid.SampledFrom([]string{" ", ""}).Draw(t, "sep")
		src := strings.Join(toks, sep)
		e, err := ParseExpression(src)
		if err != nil {
			if ee, ok := ecs.AsError(err); !ok || ee.Code != ecs.CodeInvalidParameter {
				t.Fatalf("%q: error %v is not an InvalidParameterException", src, err)
			}
			return
		}
		e.Match(c)
		e.Match(&Candidate{})
	})
}

func FuzzParseExpression(f *testing.F) {
	for _, s := range []string{
		"attribute:ecs.instance-type =~ t2.* and attribute:ecs.availability-zone != us-east-1d",
		"not(task:group == database)", "ec2InstanceId in ['i-abcd1234', 'i-wxyx7890']",
		"registeredAt < 2018-02-13", "attribute:x =~ (a|b", "((", "'", "attribute:x =~ \\",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseExpression(s)
		if err == nil {
			e.Match(queryCandidate())
		} else if _, ok := ecs.AsError(err); !ok {
			t.Fatalf("%q: %v", s, err)
		}
	})
}
