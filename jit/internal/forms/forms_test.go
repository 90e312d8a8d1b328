package forms

import "testing"

func TestCasesAssemble(t *testing.T) {
	cs := Cases()
	seen := map[string]bool{}
	for _, c := range cs {
		if seen[c.Name] {
			t.Errorf("duplicate case %q", c.Name)
		}
		seen[c.Name] = true
		if _, _, err := c.Program(); err != nil {
			t.Error(err)
		}
	}
	t.Logf("%d cases", len(cs))
}
