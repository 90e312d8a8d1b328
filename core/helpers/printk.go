package helpers

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/bpfplay/bpfplay/core/maps"
)

// bpf_trace_printk and bpf_snprintf: the kernel's bprintf format subset
// (flags 0 + - space, a width, l/ll modifiers; %d %i %u %x %X %c %s %p
// and %%), checked as bpf_bprintf_prepare checks it.

func init() {
	reg("trace_printk", tracePrintk)
	reg("snprintf", snprintf)
	reg("trace_vprintk", traceVprintk)
}

// Message is one trace_printk line, as trace_pipe shows it after the
// "bpf_trace_printk: " prefix.
type Message struct {
	Text string
	Time uint64
}

const (
	tracePrintkSize = 1024      // BPF_TRACE_PRINTK_SIZE
	fieldWidthMax   = 1<<23 - 1 // vsnprintf's FIELD_WIDTH_MAX
)

// readCString reads a NUL-terminated string of at most max bytes.
func readCString(m Machine, addr uint64, max int) ([]byte, bool) {
	var out []byte
	for i := 0; i < max; i++ {
		b, err := m.Bytes(addr+uint64(i), 1, false)
		if err != nil {
			kb, ok := readFake(m.State().Kernel, addr+uint64(i), 1)
			if !ok {
				return out, false
			}
			b = kb
		}
		if b[0] == 0 {
			return out, true
		}
		out = append(out, b[0])
	}
	return out, true
}

// format renders fmt with args (raw u64s). It fails with EINVAL as the
// kernel does on a conversion it does not support or too many args.
func format(m Machine, f []byte, args []uint64) (string, int, error) {
	var sb strings.Builder
	extra := 0 // padding of very wide fields, counted but not built
	pendPad, pendMark := 0, 0
	settle := func() {
		if n := sb.Len() - pendMark; pendPad > n {
			extra += pendPad - n
		}
		pendPad = 0
	}
	ai := 0
	for i := 0; i < len(f); i++ {
		settle()
		c := f[i]
		if c != '%' {
			if c < 0x20 && c != '\n' && c != '\t' && c != '\r' {
				// bpf_bprintf_prepare refuses non-printable characters.
				if !isSpace(c) {
					return "", 0, maps.EINVAL
				}
			}
			sb.WriteByte(c)
			continue
		}
		i++
		if i >= len(f) {
			return "", 0, maps.EINVAL
		}
		if f[i] == '%' {
			sb.WriteByte('%')
			continue
		}
		if ai >= len(args) {
			return "", 0, maps.EINVAL
		}
		start := i
		for i < len(f) && (f[i] == '0' || f[i] == '+' || f[i] == '-' || f[i] == ' ') {
			i++
		}
		flags := string(f[start:i])
		width := 0
		for i < len(f) && f[i] >= '0' && f[i] <= '9' {
			if width < 1<<30 {
				width = width*10 + int(f[i]-'0')
			}
			i++
		}
		// vsnprintf ignores widths above FIELD_WIDTH_MAX; very wide
		// fields are padded arithmetically (only the length is kept).
		pad := 0
		switch {
		case width > fieldWidthMax:
			width = 0
		case width > 4096:
			pad, width = width, 0
		}
		spec := flags
		if width > 0 {
			spec += strconv.Itoa(width)
		}
		if i >= len(f) {
			return "", 0, maps.EINVAL
		}
		pendPad, pendMark = pad, sb.Len()
		arg := args[ai]
		ai++
		switch f[i] {
		case 'p':
			// %p, %pK, %px, %pB, %pi4/%pI4, %pi6/%pI6, %pks, %pus
			if i+1 < len(f) {
				switch f[i+1] {
				case 'K', 'x':
					i++
					sb.WriteString(fmt.Sprintf("%016x", arg))
					continue
				case 'B':
					// A backtrace symbol; with no symbol at the address
					// the kernel prints it as 0x%lx.
					i++
					sb.WriteString(fmt.Sprintf("0x%x", arg))
					continue
				case 'i', 'I':
					if i+2 < len(f) && (f[i+2] == '4' || f[i+2] == '6') {
						n := 4
						if f[i+2] == '6' {
							n = 16
						}
						b, err := m.Bytes(arg, uint64(n), false)
						if err != nil {
							return "", 0, maps.EINVAL
						}
						sb.WriteString(ipString(b, f[i+1] == 'i'))
						i += 2
						continue
					}
					return "", 0, maps.EINVAL
				case 'k', 'u':
					if i+2 < len(f) && f[i+2] == 's' {
						s, _ := readCString(m, arg, 4096)
						sb.Write(s)
						i += 2
						continue
					}
				}
			}
			// Plain %p is printed hashed by the kernel, 16 hex digits;
			// print the value (deterministic), as %px would.
			sb.WriteString(fmt.Sprintf("%016x", arg))
		case 's':
			// An unreadable string prints as empty.
			s, _ := readCString(m, arg, 4096)
			sb.WriteString(fmt.Sprintf("%"+spec+"s", string(s)))
		case 'c':
			sb.WriteString(fmt.Sprintf("%"+spec+"c", rune(byte(arg))))
		default:
			size := 4
			if f[i] == 'l' {
				size = 8
				i++
				if i < len(f) && f[i] == 'l' {
					i++
				}
			}
			if i >= len(f) {
				return "", 0, maps.EINVAL
			}
			conv := f[i]
			if conv != 'd' && conv != 'i' && conv != 'u' && conv != 'x' && conv != 'X' {
				return "", 0, maps.EINVAL
			}
			var v any
			switch {
			case (conv == 'd' || conv == 'i') && size == 4:
				v = int32(arg)
			case conv == 'd' || conv == 'i':
				v = int64(arg)
			case size == 4:
				v = uint32(arg)
			default:
				v = arg
			}
			verb := string(conv)
			if conv == 'i' || conv == 'u' {
				verb = "d"
			}
			sb.WriteString(fmt.Sprintf("%"+spec+verb, v))
		}
	}
	settle()
	return sb.String(), extra, nil
}

func isSpace(c byte) bool { return c == ' ' || (c >= '\t' && c <= '\r') }

func ipString(b []byte, leadingZeros bool) string {
	if len(b) == 4 {
		if leadingZeros {
			return fmt.Sprintf("%03d.%03d.%03d.%03d", b[0], b[1], b[2], b[3])
		}
		return fmt.Sprintf("%d.%d.%d.%d", b[0], b[1], b[2], b[3])
	}
	parts := make([]string, 8)
	for i := range parts {
		v := uint16(b[2*i])<<8 | uint16(b[2*i+1])
		if leadingZeros {
			parts[i] = fmt.Sprintf("%04x", v)
		} else {
			parts[i] = strconv.FormatUint(uint64(v), 16)
		}
	}
	return strings.Join(parts, ":")
}

// tracePrintk is bpf_trace_printk(fmt, fmt_size, a1, a2, a3): at most
// three arguments; returns the length of the text written to trace_pipe.
func tracePrintk(m Machine, a *[5]uint64) (uint64, error) {
	size := a[1]
	if size == 0 {
		return neg(maps.EINVAL), nil
	}
	f, err := m.Bytes(a[0], size, false)
	if err != nil {
		return 0, err
	}
	if f[len(f)-1] != 0 {
		return neg(maps.EINVAL), nil
	}
	f = f[:bytes.IndexByte(f, 0)]
	if specifiers(f) > 3 {
		return neg(maps.EINVAL), nil
	}
	text, extra, err := format(m, f, a[2:5])
	if err != nil {
		return errRet(err), nil
	}
	return trace(m, text, extra), nil
}

// trace writes a formatted message to trace_pipe (the bpf_trace_printk
// tracepoint, which both printk helpers use) and returns the length
// vsnprintf would have produced.
func trace(m Machine, text string, extra int) uint64 {
	n := len(text) + extra
	if len(text) > tracePrintkSize-1 {
		text = text[:tracePrintkSize-1]
	}
	s := m.State()
	s.Messages = append(s.Messages, Message{Text: text, Time: s.Clock})
	line := strings.TrimSuffix(text, "\n")
	fmt.Fprintf(&s.TracePipe, "%16s-%-7d [%03d] d..31 %5d.%06d: bpf_trace_printk: %s\n",
		s.Task.Comm, s.Task.PID, s.CPU, s.Clock/1e9, s.Clock%1e9/1e3, line)
	return uint64(n)
}

// maxVarargs is MAX_BPF_FUNC_VARARGS: the most arguments
// bpf_trace_vprintk and bpf_snprintf take.
const maxVarargs = 12

// traceVprintk is bpf_trace_vprintk(fmt, fmt_size, data, data_len):
// bpf_trace_printk with its arguments in an array of u64 (at most 12);
// a format needing more arguments than given is EINVAL.
func traceVprintk(m Machine, a *[5]uint64) (uint64, error) {
	dataLen := a[3]
	if dataLen%8 != 0 || dataLen > maxVarargs*8 || (dataLen > 0 && a[2] == 0) {
		return neg(maps.EINVAL), nil
	}
	if a[1] == 0 {
		return neg(maps.EINVAL), nil
	}
	f, err := m.Bytes(a[0], a[1], false)
	if err != nil {
		return 0, err
	}
	end := bytes.IndexByte(f, 0)
	if end < 0 {
		return neg(maps.EINVAL), nil
	}
	f = f[:end]
	args, err := readVarargs(m, a[2], dataLen)
	if err != nil {
		return 0, err
	}
	if specifiers(f) > len(args) {
		return neg(maps.EINVAL), nil
	}
	text, extra, err := format(m, f, args)
	if err != nil {
		return errRet(err), nil
	}
	return trace(m, text, extra), nil
}

// snprintf is bpf_snprintf(str, str_size, fmt, data, data_len): the
// arguments are an array of u64 (at most 12); returns the length of
// the whole formatted string including its NUL, like snprintf + 1.
func snprintf(m Machine, a *[5]uint64) (uint64, error) {
	dataLen := a[4]
	if dataLen%8 != 0 || dataLen > maxVarargs*8 {
		return neg(maps.EINVAL), nil
	}
	f, ok := readCString(m, a[2], 4096)
	if !ok {
		return neg(maps.EINVAL), nil
	}
	args, err := readVarargs(m, a[3], dataLen)
	if err != nil {
		return 0, err
	}
	if specifiers(f) > len(args) {
		return neg(maps.EINVAL), nil
	}
	text, extra, err := format(m, f, args)
	if err != nil {
		return errRet(err), nil
	}
	if a[1] > 0 {
		dst, err := m.Bytes(a[0], a[1], true)
		if err != nil {
			return 0, err
		}
		n := copy(dst[:len(dst)-1], text)
		dst[n] = 0
	}
	return uint64(len(text) + extra + 1), nil
}

func le64(b []byte) uint64 {
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// readVarargs reads the u64 arguments of bpf_trace_vprintk and
// bpf_snprintf: size bytes (a multiple of 8) at addr.
func readVarargs(m Machine, addr, size uint64) ([]uint64, error) {
	args := make([]uint64, size/8)
	if size == 0 {
		return args, nil
	}
	b, err := m.Bytes(addr, size, false)
	if err != nil {
		return nil, err
	}
	for i := range args {
		args[i] = le64(b[8*i:])
	}
	return args, nil
}

// specifiers counts a format's conversions (each takes an argument;
// "%%" takes none).
func specifiers(f []byte) int { return strings.Count(strings.ReplaceAll(string(f), "%%", ""), "%") }
