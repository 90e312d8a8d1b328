package verifier

// rewrite produces the program the kernel would run (xlated). bpfplay
// does not reproduce Linux's rewrites yet (ctx conversion, helper call
// fix-ups, inlined map lookups, dead-code removal...): the xlated program
// is the loaded one, with map references resolved.
func (v *verifier) rewrite(priv bool) error {
	v.xlated = append(v.xlated[:0], v.insns...)
	return nil
}
