package composeimport

import (
	"encoding/json"
	"sort"
)

// handledKeys are the service keys the conversion reads (some of them only to warn
// about a part that does not carry over). Every other key that is set gets one
// warning, so that nothing in the file is dropped silently.
var handledKeys = map[string]bool{
	"image": true, "build": true, "command": true, "entrypoint": true, "environment": true, "env_file": true,
	"ports": true, "expose": true, "deploy": true, "scale": true, "restart": true, "healthcheck": true,
	"depends_on": true, "volumes": true, "secrets": true, "configs": true, "labels": true, "networks": true,
	"user": true, "working_dir": true, "read_only": true, "init": true, "ulimits": true, "cap_add": true,
	"cap_drop": true, "tmpfs": true, "shm_size": true, "stop_grace_period": true, "stop_signal": true,
	"profiles": true, "privileged": true, "sysctls": true, "platform": true, "tty": true, "stdin_open": true,
	"cpus": true, "mem_limit": true, "mem_reservation": true,
}

// keyAdvice says why a known compose key does not carry over.
var keyAdvice = map[string]string{
	"container_name": "ECS names containers itself; the service keeps its compose name",
	"hostname":       "awsvpc tasks take their hostname from their network interface; ignored",
	"domainname":     "awsvpc tasks take their hostname from their network interface; ignored",
	"extra_hosts":    "awsvpc task definitions cannot set extraHosts; ignored",
	"dns":            "awsvpc task definitions cannot set dnsServers; ignored",
	"dns_search":     "awsvpc task definitions cannot set dnsSearchDomains; ignored",
	"links":          "not needed: every service resolves every other by name; ignored",
	"network_mode":   "every task is awsvpc (its own address in the cluster network); ignored",
	"logging":        "ecsmini keeps task logs itself ('ecsmini logs'); set x-ecs taskDefinition for awslogs on AWS; ignored",
	"pull_policy":    "images are local (ecsmini never pulls from a registry you did not name); ignored",
}

// warnUnsupportedKeys warns once for each key of the service that is set and not
// handled, reading the service as compose-go encodes it (its YAML keys).
func (c *serviceConverter) warnUnsupportedKeys() {
	for _, k := range setKeys(c.s) {
		if handledKeys[k] {
			continue
		}
		if adv, ok := keyAdvice[k]; ok {
			c.warn(k, "%s", adv)
			continue
		}
		c.warn(k, "not supported by ecsmini's compose import; ignored")
	}
	for _, name := range sortedKeys(c.s.Networks) {
		for _, k := range setKeys(c.s.Networks[name]) {
			c.warn("networks."+name+"."+k, "not supported: the service is on the cluster's one network and answers to its name; ignored")
		}
	}
}

// setKeys are the keys of v, as compose-go encodes it, that hold a value.
func setKeys(v any) []string {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		return nil
	}
	var keys []string
	for k, raw := range m {
		if !empty(raw) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

func empty(raw json.RawMessage) bool {
	switch string(raw) {
	case "null", "[]", "{}", `""`, "0", "false":
		return true
	}
	return false
}
