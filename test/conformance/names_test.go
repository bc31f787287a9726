package main

import (
	"reflect"
	"testing"
)

// The agent's config-file names for the registration fields we rely on (agent/config/config.go spells
// them out in mapstructure tags); toSnake must derive the same spelling from the API field names.
func TestConfigFileNames(t *testing.T) {
	for field, want := range map[string]string{
		"DestinationName":                "destination_name",
		"DestinationPeer":                "destination_peer",
		"LocalBindSocketPath":            "local_bind_socket_path",
		"TaggedAddresses":                "tagged_addresses",
		"EnableTagOverride":              "enable_tag_override",
		"SidecarService":                 "sidecar_service",
		"DeregisterCriticalServiceAfter": "deregister_critical_service_after",
		"TLSSkipVerify":                  "tls_skip_verify",
		"TLSServerName":                  "tls_server_name",
		"GRPCUseTLS":                     "grpc_use_tls",
		"TCPUseTLS":                      "tcp_use_tls",
		"H2PING":                         "h2ping",
		"H2PingUseTLS":                   "h2ping_use_tls",
		"DockerContainerID":              "docker_container_id",
		"OSService":                      "os_service",
		"ID":                             "id",
	} {
		if got := toSnake(field); got != want {
			t.Errorf("toSnake(%q) = %q, want %q", field, got, want)
		}
	}
}

// No two fields of any type reachable from api.AgentServiceRegistration may share a config-file name.
func TestConfigFileNamesAreUnique(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var visit func(reflect.Type)
	visit = func(typ reflect.Type) {
		typ = deref(typ)
		switch typ.Kind() {
		case reflect.Struct:
			if seen[typ] || typ == timeType {
				return
			}
			seen[typ] = true
			names := map[string]string{}
			for _, f := range structFields(typ) {
				for _, n := range configFileNames(typ, f.name) {
					if other, dup := names[n]; dup {
						t.Errorf("%s: %s and %s both map to %q", typ, other, f.name, n)
					}
					names[n] = f.name
				}
				visit(f.field.Type)
			}
		case reflect.Map, reflect.Slice, reflect.Array:
			visit(typ.Elem())
		}
	}
	visit(registrationType)
}

func TestHasInterpolation(t *testing.T) {
	for s, want := range map[string]bool{
		"${var.x}": true, "a${b}": true, "%{ if x }": true, "%${x}": true,
		"$${literal}": false, "%%{literal}": false, "plain $ and {": false,
	} {
		if got := hasInterpolation(s); got != want {
			t.Errorf("hasInterpolation(%q) = %v, want %v", s, got, want)
		}
	}
}
