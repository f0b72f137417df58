package instances

import (
	"crypto/sha1" // UUID version 5 is defined on SHA-1; nothing secret rides on it
	"encoding/hex"
	"slices"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/state"
)

// A simulated Auto Scaling group's ARN is stable: its UUID is derived from the group's
// region, account and name (UUID version 5 in the URL namespace, of
// "arn:aws:autoscaling:REGION:ACCOUNT:autoScalingGroupName/NAME"), so a configuration
// can name the group's ARN before the group exists — Terraform's
// uuidv5("url", "arn:aws:autoscaling:us-east-1:000000000000:autoScalingGroupName/web")
// computes the same UUID. A capacity provider may also name a group by its name alone,
// or by an ARN with any UUID: groups are matched by region and name (state.ASGNameOf).

// urlNamespace is RFC 4122's namespace ID for URLs.
var urlNamespace = [16]byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}

// uuidV5 is RFC 4122's name-based UUID (SHA-1) of name in namespace ns.
func uuidV5(ns [16]byte, name string) string {
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte(name))
	var b [16]byte
	copy(b[:], h.Sum(nil))
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	x := hex.EncodeToString(b[:])
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:]
}

// asgARN is the stable ARN of the group name in sc.
func asgARN(sc ecs.Scope, name string) string {
	id := uuidV5(urlNamespace, "arn:aws:autoscaling:"+sc.Region+":"+sc.Account+":autoScalingGroupName/"+name)
	return "arn:aws:autoscaling:" + sc.Region + ":" + sc.Account + ":autoScalingGroup:" + id + ":autoScalingGroupName/" + name
}

// clusterOfASGName names the cluster that the capacity provider of group name is
// associated with, or "" (the default cluster) when there is none. It must run inside a
// store transaction or view.
func (o *Ops) clusterOfASGName(region, name string) string {
	cp := o.ec2.ProviderOfASGName(region, name)
	if cp == nil {
		return ""
	}
	found := ""
	prefix := state.Key(region, "")
	o.st.Clusters.Ascend(prefix, func(k string, c *ecs.Cluster) bool {
		if !strings.HasPrefix(k, prefix) {
			return false
		}
		if c.Status == ecs.ClusterActive && slices.Contains(c.CapacityProviders, cp.Name) {
			found = c.ClusterName
			return false
		}
		return true
	})
	return found
}
