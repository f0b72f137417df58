package cwapi_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/alarms"
	"github.com/ecsmini/ecsmini/emulator/alarms/cwapi"
	"github.com/ecsmini/ecsmini/emulator/clock"
)

// boto3Script drives the JSON 1.0 protocol the way boto3 (and the AWS CLI, on the same
// botocore) send it; it prints OK or the first mismatch.
const boto3Script = `
import sys, datetime, boto3, botocore
cw = boto3.client("cloudwatch", endpoint_url=sys.argv[1], region_name="us-east-1",
                  aws_access_key_id="test", aws_secret_access_key="test")
dims = [{"Name": "ClusterName", "Value": "demo"}, {"Name": "ServiceName", "Value": "web"}]
cw.put_metric_alarm(AlarmName="web-mem", Namespace="AWS/ECS", MetricName="MemoryUtilization", Statistic="Maximum",
    Dimensions=dims, Period=300, EvaluationPeriods=3, Threshold=80, ComparisonOperator="GreaterThanThreshold",
    TreatMissingData="notBreaching", OKActions=["arn:aws:sns:us-east-1:000000000000:ok"])
a = cw.describe_alarms(AlarmNamePrefix="web-")["MetricAlarms"]
assert len(a) == 1 and a[0]["Threshold"] == 80.0 and a[0]["Period"] == 300 and a[0]["TreatMissingData"] == "notBreaching", a
assert a[0]["StateUpdatedTimestamp"] == datetime.datetime(2026, 12, 6, 9, 0, tzinfo=datetime.timezone.utc), a[0]["StateUpdatedTimestamp"]
cw.set_alarm_state(AlarmName="web-mem", StateValue="ALARM", StateReason="drill", StateReasonData='{"why":"drill"}')
assert cw.describe_alarms(StateValue="ALARM")["MetricAlarms"][0]["StateReason"] == "drill"
h = cw.describe_alarm_history(AlarmName="web-mem", StartDate=datetime.datetime(2026, 12, 6, 8, 0, tzinfo=datetime.timezone.utc),
                              EndDate=datetime.datetime(2026, 12, 6, 10, 0, tzinfo=datetime.timezone.utc))["AlarmHistoryItems"]
assert [x["HistoryItemType"] for x in h] == ["StateUpdate", "ConfigurationUpdate"], h
for call, kw, code in [
        (cw.set_alarm_state, dict(AlarmName="nope", StateValue="OK", StateReason="x"), "ResourceNotFound"),
        (cw.delete_alarms, dict(AlarmNames=["nope"]), "ResourceNotFound"),
        (cw.put_metric_alarm, dict(AlarmName="x", Namespace="AWS/ECS", MetricName="CPUUtilization", Statistic="Average",
             Period=60, EvaluationPeriods=1, DatapointsToAlarm=2, Threshold=1, ComparisonOperator="GreaterThanThreshold"), "InvalidParameterValue")]:
    try:
        call(**kw)
        raise AssertionError("no error from %s" % kw)
    except botocore.exceptions.ClientError as e:
        assert e.response["Error"]["Code"] == code, e.response
cw.delete_alarms(AlarmNames=["web-mem"])
assert cw.describe_alarms()["MetricAlarms"] == []
print("OK")
`

// TestBoto3 runs boto3's cloudwatch client against the JSON 1.0 protocol, routed by
// X-Amz-Target as ecsmini's listener routes it.
func TestBoto3(t *testing.T) {
	if err := exec.Command("python3", "-c", "import boto3").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("python3 with boto3 is needed: %v", err)
		}
		t.Skipf("python3 with boto3 is not available: %v", err)
	}
	svc, err := alarms.Open(alarms.Config{Clock: clock.NewFake(start), Region: "us-east-1", Account: "000000000000"})
	if err != nil {
		t.Fatal(err)
	}
	h := cwapi.New(svc, nil)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.Header.Get("X-Amz-Target"), cwapi.TargetPrefix) {
			h.JSON().ServeHTTP(w, r)
			return
		}
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	cmd := exec.Command("python3", "-c", boto3Script, srv.URL)
	cmd.Env = append(os.Environ(), "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_EC2_METADATA_DISABLED=true")
	out, err := cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "OK" {
		t.Fatalf("boto3: %v\n%s", err, out)
	}
}
