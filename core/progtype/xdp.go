package progtype

// XDP models struct xdp_buff behind xdp_md.
type XDP struct {
	Buf                                         []byte
	Meta, Data, End                             int
	IngressIfindex, RxQueueIndex, EgressIfindex uint32
	// Hidden counts bytes of the input past the data_end an xdp_md
	// ctx_in asked for: the program does not see them, data_out has them.
	Hidden int
	// ctxIngress and ctxRxQueue are the values given in ctx_in, which
	// ctx_out returns.
	ctxIngress, ctxRxQueue uint32
}

// Struct returns xdp_md.
func (x *XDP) Struct() *Struct { return XDPMd }

// Packet returns the buffer and the packet's bounds in it.
func (x *XDP) Packet() ([]byte, int, int, int) { return x.Buf, x.Meta, x.Data, x.End }

// LoadField reads an xdp_md field.
func (x *XDP) LoadField(off, size int) (uint64, FieldKind, error) {
	f := XDPMd.FieldAt(off)
	if f == nil {
		return 0, 0, &AccessError{Struct: XDPMd.Name, Off: off, Size: size}
	}
	if f.Kind != Scalar {
		if off != f.Off || size != 4 {
			return 0, 0, &AccessError{Struct: XDPMd.Name, Off: off, Size: size}
		}
		return 0, f.Kind, nil
	}
	var v uint32
	switch f.Name {
	case "ingress_ifindex":
		v = x.IngressIfindex
	case "rx_queue_index":
		v = x.RxQueueIndex
	case "egress_ifindex":
		v = x.EgressIfindex
	}
	return scalarLoad(XDPMd, f, uint64(v), off, size)
}

// StoreField refuses: no xdp_md field is writable.
func (x *XDP) StoreField(off, size int, v uint64) error {
	return &AccessError{Struct: XDPMd.Name, Off: off, Size: size, Write: true}
}
