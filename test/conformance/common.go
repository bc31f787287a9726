package main

import (
	"fmt"
	"math"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/mitchellh/mapstructure"
)

// problems collects one line per finding, in the order found.
type problems struct {
	lines []string
}

// add records a problem at file / resource address / JSON path.
func (p *problems) add(file, address, path, msg string) {
	parts := []string{file}
	if address != "" {
		parts = append(parts, address)
	}
	if path != "" {
		parts = append(parts, path)
	}
	p.lines = append(p.lines, strings.Join(parts, ": ")+": "+msg)
}

// reporter reports a problem at a JSON path inside one document.
type reporter func(path, msg string)

var identRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// pathKey appends an object key to a JSON path: `a.b`, or `a["odd key"]` when the key is not an identifier.
func pathKey(base, key string) string {
	if identRe.MatchString(key) {
		if base == "" {
			return key
		}
		return base + "." + key
	}
	return base + "[" + strconv.Quote(key) + "]"
}

// pathIndex appends an array index to a JSON path.
func pathIndex(base string, i int) string {
	return base + "[" + strconv.Itoa(i) + "]"
}

// sortedKeys returns the keys of a JSON object in a stable order, so output is deterministic.
func sortedKeys(m map[string]interface{}) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// interpolationRe finds a Terraform interpolation `${` or template directive `%{` that is not escaped
// (`$${` / `%%{` are literal in Terraform strings).
var interpolationRe = regexp.MustCompile(`(^|[^$])\$\{|(^|[^%])%\{`)

func hasInterpolation(s string) bool {
	return interpolationRe.MatchString(s)
}

// findInterpolations calls found for every string value or object key in v that contains a Terraform
// interpolation, with its JSON path.
func findInterpolations(v interface{}, path string, found func(path, value string)) {
	switch t := v.(type) {
	case string:
		if hasInterpolation(t) {
			found(path, t)
		}
	case map[string]interface{}:
		for _, k := range sortedKeys(t) {
			if hasInterpolation(k) {
				found(pathKey(path, k)+" (key)", k)
			}
			findInterpolations(t[k], pathKey(path, k), found)
		}
	case []interface{}:
		for i, e := range t {
			findInterpolations(e, pathIndex(path, i), found)
		}
	}
}

// replaceInterpolations returns v with every string that contains an interpolation replaced by a
// placeholder, so the rest of the document can still be checked when interpolations are only warned about.
func replaceInterpolations(v interface{}) interface{} {
	switch t := v.(type) {
	case string:
		if hasInterpolation(t) {
			return "interpolated"
		}
		return t
	case map[string]interface{}:
		out := make(map[string]interface{}, len(t))
		for k, e := range t {
			out[k] = replaceInterpolations(e)
		}
		return out
	case []interface{}:
		out := make([]interface{}, len(t))
		for i, e := range t {
			out[i] = replaceInterpolations(e)
		}
		return out
	}
	return v
}

// fieldInfo describes one struct field as mapstructure sees it.
type fieldInfo struct {
	name  string // the key mapstructure matches (tag name or Go field name)
	field reflect.StructField
}

// structFields lists the fields mapstructure decodes into for t, flattening `,squash` embedded structs.
func structFields(t reflect.Type) []fieldInfo {
	var out []fieldInfo
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.PkgPath != "" { // unexported
			continue
		}
		tag := f.Tag.Get("mapstructure")
		name, opts, _ := strings.Cut(tag, ",")
		if strings.Contains(opts, "squash") && f.Type.Kind() == reflect.Struct {
			out = append(out, structFields(f.Type)...)
			continue
		}
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, fieldInfo{name: name, field: f})
	}
	return out
}

var timeType = reflect.TypeOf(time.Time{})

// deref strips pointer types.
func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Ptr {
		t = t.Elem()
	}
	return t
}

// isOpaqueMap reports whether a map of this type is free-form (its keys and values are not API fields):
// `Meta`, `Config`, `Arguments`, `Header`, ... Maps whose values are structs (`TaggedAddresses`,
// `Subsets`, `Failover`) have free keys but structured values.
func isOpaqueMap(t reflect.Type) bool {
	return deref(t.Elem()).Kind() != reflect.Struct
}

// checkInteger reports a JSON number with a fraction where the API expects an integer (mapstructure
// would silently truncate it).
func checkInteger(t reflect.Type, v interface{}, path string, report reporter) {
	f, ok := v.(float64)
	if !ok {
		return
	}
	switch deref(t).Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if f != math.Trunc(f) {
			report(path, fmt.Sprintf("%v is not an integer", f))
		}
	}
}

// suggest returns ` (did you mean "x"?)` for the closest candidate within a small edit distance.
func suggest(key string, candidates []string) string {
	best, bestD := "", 1<<30
	for _, c := range candidates {
		d := editDistance(strings.ToLower(key), strings.ToLower(c))
		if d < bestD {
			best, bestD = c, d
		}
	}
	if best != "" && bestD <= 1+len(key)/4 {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// toSnake converts a Go field name to the snake_case spelling Consul's agent config files use:
// DestinationName -> destination_name, TLSSkipVerify -> tls_skip_verify, GRPCUseTLS -> grpc_use_tls,
// H2PingUseTLS -> h2ping_use_tls (no break after a digit).
func toSnake(s string) string {
	r := []rune(s)
	var b strings.Builder
	for i, c := range r {
		if unicode.IsUpper(c) && i > 0 {
			prev := r[i-1]
			nextLower := i+1 < len(r) && unicode.IsLower(r[i+1])
			if unicode.IsLower(prev) || (unicode.IsUpper(prev) && nextLower) {
				b.WriteByte('_')
			}
		}
		b.WriteRune(unicode.ToLower(c))
	}
	return b.String()
}

// strictDecode decodes v into out the way consul/api's DecodeConfigEntry does (mapstructure with the
// duration and RFC 3339 time hooks), but strictly: unknown keys are errors and no weak typing
// ("8080" is not an int, "true" is not a bool). It returns mapstructure's individual error lines.
func strictDecode(v interface{}, out interface{}) []string {
	dec, err := mapstructure.NewDecoder(&mapstructure.DecoderConfig{
		DecodeHook: mapstructure.ComposeDecodeHookFunc(
			mapstructure.StringToTimeDurationHookFunc(),
			mapstructure.StringToTimeHookFunc(time.RFC3339),
		),
		ErrorUnused:      true,
		WeaklyTypedInput: false,
		Result:           out,
	})
	if err != nil {
		return []string{err.Error()}
	}
	if err := dec.Decode(v); err != nil {
		if me, ok := err.(*mapstructure.Error); ok {
			lines := append([]string(nil), me.Errors...)
			sort.Strings(lines)
			return lines
		}
		return []string{err.Error()}
	}
	return nil
}

// validMeshGatewayModes are the values api.MeshGatewayMode may take ("" defers to the next layer).
var validMeshGatewayModes = map[string]bool{"": true, "none": true, "local": true, "remote": true}

// walkValues calls visit for every value reachable from v (a decoded API struct), with the
// dotted Go path, so semantic checks can look at typed values wherever they appear.
func walkValues(v reflect.Value, path string, visit func(path string, v reflect.Value)) {
	if !v.IsValid() {
		return
	}
	visit(path, v)
	switch v.Kind() {
	case reflect.Ptr, reflect.Interface:
		if !v.IsNil() {
			walkValues(v.Elem(), path, visit)
		}
	case reflect.Struct:
		if v.Type() == timeType {
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).PkgPath != "" {
				continue
			}
			walkValues(v.Field(i), pathKey(path, v.Type().Field(i).Name), visit)
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			walkValues(v.Index(i), pathIndex(path, i), visit)
		}
	case reflect.Map:
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
		for _, k := range keys {
			walkValues(v.MapIndex(k), pathKey(path, fmt.Sprint(k.Interface())), visit)
		}
	}
}
