package ec2sim

import (
	"strings"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

func queryCandidate() *Candidate {
	return &Candidate{
		ARN:           "arn:aws:ecs:us-east-1:000000000000:container-instance/default/abc",
		EC2InstanceID: "i-abcd1234",
		Attributes: map[string]string{
			"ecs.instance-type":       "t2.small",
			"ecs.availability-zone":   "us-east-1a",
			"stack":                   "prod",
			"weight":                  "10",
			"ecs.capability.task-eni": "",
		},
		AgentConnected: true,
		AgentVersion:   "1.14.5",
		RegisteredAt:   time.Date(2018, 6, 18, 22, 28, 28, 0, time.UTC),
		RunningTasks:   1,
		Groups:         map[string]int{"service:production": 1, "family:web": 0},
	}
}

func TestExpressionMatches(t *testing.T) {
	tests := []struct {
		expr string
		want bool
	}{
		{"attribute:ecs.instance-type == t2.small", true},
		{"attribute:ecs.instance-type equals t2.small", true},
		{"attribute:ecs.instance-type EQUALS t2.small", true},
		{"attribute:ecs.instance-type != t2.small", false},
		{"attribute:ecs.instance-type not_equals t2.micro", true},
		{"attribute:ecs.availability-zone in [us-east-1a, us-east-1b]", true},
		{"attribute:ecs.availability-zone in ['us-east-1b', \"us-east-1c\"]", false},
		{"attribute:ecs.availability-zone !in [us-east-1b]", true},
		{"attribute:ecs.availability-zone not_in [us-east-1a]", false},
		{"attribute:ecs.instance-type =~ t2.*", true},
		{"attribute:ecs.instance-type matches g2.*", false},
		{"attribute:ecs.instance-type =~ t2", false}, // whole-value match, like Java's Pattern.matches
		{"attribute:ecs.instance-type !~ g2.*", true},
		{"attribute:ecs.instance-type not_matches t2.(small|medium)", false},
		{"attribute:ecs.instance-type =~ g2.* and attribute:ecs.availability-zone != us-east-1d", false},
		{"attribute:ecs.instance-type =~ t2.* and attribute:ecs.availability-zone == us-east-1a", true},
		{"attribute:ecs.instance-type =~ t2.* && attribute:ecs.availability-zone == us-east-1b", false},
		{"attribute:ecs.instance-type == m5.large || attribute:stack == prod", true},
		{"attribute:ecs.instance-type == m5.large or attribute:stack == dev", false},
		{"attribute:stack exists", true},
		{"attribute:stack !exists", false},
		{"attribute:color not_exists", true},
		{"attribute:color != blue", true}, // an absent attribute is not equal to anything
		{"attribute:color == blue", false},
		{"attribute:color =~ .*", false},
		{"attribute:ecs.capability.task-eni exists", true},
		{"attribute:weight > 9", true}, // numeric when both sides are numbers
		{"attribute:weight greater_than_equal 10", true},
		{"attribute:weight < 9", false},
		{"attribute:stack > pre", true}, // else string order
		{"attribute:color > a", false},
		{"agentConnected == true", true},
		{"agentConnected != true", false},
		{"agentConnected in [false]", false},
		{"agentConnected =~ t.*", true},
		{"agentVersion < 1.14.5", false},
		{"agentVersion <= 1.14.5", true},
		{"agentVersion > 1.9.0", true}, // numeric segments: 14 > 9
		{"agentVersion >= 1.14", true},
		{"agentVersion == 1.14.5", true},
		{"agentVersion less_than 1.15", true},
		{"ec2InstanceId in ['i-abcd1234', 'i-wxyx7890']", true},
		{"ec2InstanceId == i-wxyx7890", false},
		{"ec2InstanceId =~ i-abcd.*", true},
		{"registeredAt < 2018-02-13", false},
		{"registeredAt > 2018-02-13", true},
		{"registeredAt == 2018-06-18", true}, // a bare date is the whole day
		{"registeredAt <= 2018-06-18", true},
		{"registeredAt < 2018-06-18", false},
		{"registeredAt == 2018-06-18T22:28:28Z", true},
		{"registeredAt == 2018-06-18T22:28:28+00:00", true},
		{"registeredAt == 2018-06-18T23:28:28+01:00", true},
		{"registeredAt >= 2018-06-18T22:28:29", false},
		{"runningTasksCount == 1", true},
		{"runningTasksCount > 1", false},
		{"runningTasksCount less_than_equal 1", true},
		{"task:group == service:production", true},
		{"task:group == family:web", false}, // zero tasks of the group is not running it
		{"task:group != database", true},
		{"not(task:group == database)", true},
		{"not (task:group == service:production)", false},
		{"!(task:group == service:production)", false},
		{"task:group in [database, service:production]", true},
		{"task:group not_in [database]", true},
		{"task:group =~ service:.*", true},
		{"task:group !~ service:.*", false},
		{"task:group exists", true},
		{"(attribute:stack == dev or attribute:stack == prod) and runningTasksCount < 2", true},
		{"attribute:stack == dev or attribute:stack == prod and runningTasksCount > 2", false}, // and binds tighter
		{"not attribute:stack == dev and not attribute:stack == test", true},
		{"((agentConnected == true))", true},
	}
	c := queryCandidate()
	for _, tt := range tests {
		e, err := ParseExpression(tt.expr)
		if err != nil {
			t.Errorf("ParseExpression(%q): %v", tt.expr, err)
			continue
		}
		if got := e.Match(c); got != tt.want {
			t.Errorf("%q matched %v, want %v", tt.expr, got, tt.want)
		}
		if e.String() != tt.expr {
			t.Errorf("String() = %q, want %q", e.String(), tt.expr)
		}
	}
}

func TestExpressionMissingSubjects(t *testing.T) {
	c := &Candidate{} // no attributes, version, registration time or groups
	for expr, want := range map[string]bool{
		"agentVersion < 2.0":             false,
		"agentVersion != 2.0":            true,
		"registeredAt < 2030-01-01":      false,
		"registeredAt != 2030-01-01":     true,
		"ec2InstanceId == i-1":           false,
		"ec2InstanceId not_in [i-1]":     true,
		"task:group !exists":             true,
		"agentConnected == false":        true,
		"runningTasksCount == 0":         true,
		"attribute:ecs.os-type == linux": false,
	} {
		e, err := ParseExpression(expr)
		if err != nil {
			t.Fatalf("ParseExpression(%q): %v", expr, err)
		}
		if got := e.Match(c); got != want {
			t.Errorf("%q matched %v on an empty candidate, want %v", expr, got, want)
		}
	}
	var nilExpr *Expr
	if !nilExpr.Match(c) {
		t.Error("a nil expression must match everything")
	}
}

func TestExpressionErrors(t *testing.T) {
	tests := []struct {
		expr string
		want string // substring of the message
	}{
		{"", "the expression is empty"},
		{"   ", "the expression is empty"},
		{"color == blue", "unknown subject 'color'"},
		{"attribute: == blue", "unknown subject 'attribute:'"},
		{"attribute:stack", "expected an operator after 'attribute:stack', found the end of the expression"},
		{"attribute:stack is prod", "unknown operator 'is'"},
		{"attribute:stack = prod", "unknown operator \"=\""},
		{"attribute:stack == ", "expected a value after 'attribute:stack =='"},
		{"attribute:stack in prod", "expected a list [a, b, ...] after 'in', found 'prod'"},
		{"attribute:stack in [prod", "expected ',' or ']' in the list, found the end of the expression"},
		{"attribute:stack in [prod,]", "expected a value in the list after 'in', found ']'"},
		{"attribute:stack == 'prod", "unterminated quoted value 'prod"},
		{"attribute:stack =~ (prod", "invalid regular expression '(prod'"},
		{"agentVersion =~ 1.*", "operator '=~' is not supported for subject 'agentVersion'"},
		{"agentVersion < latest", "'agentVersion' needs a version such as 1.14.5, found 'latest'"},
		{"registeredAt < yesterday", "'registeredAt' needs a date"},
		{"runningTasksCount > many", "'runningTasksCount' needs a whole number, found 'many'"},
		{"runningTasksCount exists", "operator 'exists' is not supported for subject 'runningTasksCount'"},
		{"ec2InstanceId > i-1", "operator '>' is not supported for subject 'ec2InstanceId'"},
		{"agentConnected == yes", "'agentConnected' needs true or false, found 'yes'"},
		{"task:group == a b", "unexpected 'b' after a complete expression"},
		{"(task:group == a", "expected ')' to close the '(' at offset 0, found the end of the expression"},
		{"task:group == a)", "unexpected ')' after a complete expression"},
		{"task:group == a and", "expected a subject"},
		{"task:group == a & task:group == b", "unknown operator \"&\""},
		{"== prod", "expected a subject"},
	}
	for _, tt := range tests {
		_, err := ParseExpression(tt.expr)
		if err == nil {
			t.Errorf("ParseExpression(%q) succeeded, want an error containing %q", tt.expr, tt.want)
			continue
		}
		e, ok := ecs.AsError(err)
		if !ok || e.Code != ecs.CodeInvalidParameter {
			t.Errorf("ParseExpression(%q) error %v is not an InvalidParameterException", tt.expr, err)
			continue
		}
		if !strings.Contains(e.Message, tt.want) {
			t.Errorf("ParseExpression(%q) = %q, want it to contain %q", tt.expr, e.Message, tt.want)
		}
	}
}

func TestCompareVersions(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1.14.5", "1.14.5", 0},
		{"1.14", "1.14.0", 0},
		{"1.9.0", "1.14.0", -1},
		{"1.80.0", "1.8.0", 1},
		{"v2.0", "1.99.99", 1},
		{"1.14.5-beta", "1.14.5", 0},
	}
	for _, tt := range tests {
		if got := compareVersions(tt.a, tt.b); got != tt.want {
			t.Errorf("compareVersions(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestExpressionMatchDoesNotAllocate(t *testing.T) {
	e, err := ParseExpression("attribute:ecs.instance-type =~ t2.* and agentVersion >= 1.14 and task:group != db and registeredAt > 2018-01-01")
	if err != nil {
		t.Fatal(err)
	}
	c := queryCandidate()
	if n := testing.AllocsPerRun(100, func() { e.Match(c) }); n != 0 {
		t.Errorf("Match allocates %v times per call", n)
	}
}
