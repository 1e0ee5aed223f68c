// Package gitopshealth checks examples/argocd/health.lua and the SinkFleet conditions against the
// code the GitOps tools really run: gopher-lua, the Lua Argo CD embeds, opened the way Argo CD
// opens it (package, base and table libraries only, a one-second deadline, the resource as the
// global obj), and kstatus, the library Flux's kustomize-controller computes health with.
package gitopshealth

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
	"sigs.k8s.io/yaml"
)

const (
	healthLua = "../../examples/argocd/health.lua"
	fixtures  = "../src/test/resources/argocd-health"
)

// fixture is one SinkFleet and the health each tool must report for it.
type fixture struct {
	Expected struct {
		Status  string `json:"status"`
		Message string `json:"message"`
		Kstatus string `json:"kstatus"`
	} `json:"expected"`
	Raw json.RawMessage `json:"obj"`
	// Obj is decoded as the tools receive a live object: integers as int64, not float64.
	Obj *unstructured.Unstructured `json:"-"`
}

func loadFixtures(t *testing.T) map[string]fixture {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(fixtures, "*.yaml"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixtures under %s (%v)", fixtures, err)
	}
	out := map[string]fixture{}
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var f fixture
		if err := yaml.Unmarshal(raw, &f); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		f.Obj = &unstructured.Unstructured{}
		if err := f.Obj.UnmarshalJSON(f.Raw); err != nil {
			t.Fatalf("%s: obj: %v", p, err)
		}
		if f.Expected.Status == "" || f.Expected.Kstatus == "" {
			t.Fatalf("%s: needs obj, expected.status and expected.kstatus", p)
		}
		out[strings.TrimSuffix(filepath.Base(p), ".yaml")] = f
	}
	return out
}

func sortedNames(m map[string]fixture) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// argoHealth runs the script as Argo CD's health customization runner does.
func argoHealth(script string, obj map[string]interface{}) (string, string, error) {
	l := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer l.Close()
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{
		{lua.LoadLibName, lua.OpenPackage},
		{lua.BaseLibName, lua.OpenBase},
		{lua.TabLibName, lua.OpenTable},
	} {
		if err := l.CallByParam(lua.P{Fn: l.NewFunction(lib.open), NRet: 0, Protect: true},
			lua.LString(lib.name)); err != nil {
			return "", "", err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	l.SetContext(ctx)
	l.SetGlobal("obj", toLua(l, obj))
	if err := l.DoString(script); err != nil {
		return "", "", err
	}
	ret, ok := l.Get(-1).(*lua.LTable)
	if !ok {
		return "", "", fmt.Errorf("health.lua returned %s, not a table", l.Get(-1).Type())
	}
	return lua.LVAsString(ret.RawGetString("status")), lua.LVAsString(ret.RawGetString("message")), nil
}

// toLua converts a decoded object the way Argo CD hands a live resource to its scripts.
func toLua(l *lua.LState, v interface{}) lua.LValue {
	switch x := v.(type) {
	case bool:
		return lua.LBool(x)
	case float64:
		return lua.LNumber(x)
	case int64:
		return lua.LNumber(x)
	case string:
		return lua.LString(x)
	case []interface{}:
		t := l.CreateTable(len(x), 0)
		for _, item := range x {
			t.Append(toLua(l, item))
		}
		return t
	case map[string]interface{}:
		t := l.CreateTable(0, len(x))
		for k, item := range x {
			t.RawSetH(lua.LString(k), toLua(l, item))
		}
		return t
	}
	return lua.LNil
}

// Argo CD accepts only these; anything else it shows as Unknown.
var argoStatuses = map[string]bool{
	"Healthy": true, "Progressing": true, "Degraded": true,
	"Suspended": true, "Missing": true, "Unknown": true,
}

func TestArgoCdHealthUnderGopherLua(t *testing.T) {
	script, err := os.ReadFile(healthLua)
	if err != nil {
		t.Fatal(err)
	}
	all := loadFixtures(t)
	for _, name := range sortedNames(all) {
		f := all[name]
		t.Run(name, func(t *testing.T) {
			got, message, err := argoHealth(string(script), f.Obj.Object)
			if err != nil {
				t.Fatalf("health.lua failed under gopher-lua: %v", err)
			}
			if !argoStatuses[got] {
				t.Fatalf("status %q is not one Argo CD accepts", got)
			}
			if got != f.Expected.Status || message != f.Expected.Message {
				t.Fatalf("got %s %q, want %s %q", got, message, f.Expected.Status, f.Expected.Message)
			}
		})
	}
}

func TestFluxKstatus(t *testing.T) {
	all := loadFixtures(t)
	for _, name := range sortedNames(all) {
		f := all[name]
		t.Run(name, func(t *testing.T) {
			res, err := status.Compute(f.Obj)
			if err != nil {
				t.Fatalf("kstatus: %v", err)
			}
			if string(res.Status) != f.Expected.Kstatus {
				t.Fatalf("kstatus %s (%s), want %s", res.Status, res.Message, f.Expected.Kstatus)
			}
		})
	}
}
