#!/usr/bin/env python3
"""Writes the small seed corpus of every harness into Fuzz/Corpus/<harness>/ (run once; the output is
committed). Needs only Python 3 and NumPy: torch's pickle layout is reproduced with stand-in `torch` modules,
so the checkpoints here are what torch.save writes (protocol 2), without torch. Every file stays under 8 KB."""
import collections, io, json, os, pickle, struct, sys, types, zipfile

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Corpus")

# --- stand-ins for the globals torch.save pickles ------------------------------------------------------------
torch = types.ModuleType("torch")
utils = types.ModuleType("torch._utils")
torch._utils = utils
sys.modules["torch"], sys.modules["torch._utils"] = torch, utils
for name in ["FloatStorage", "DoubleStorage", "HalfStorage", "LongStorage", "ByteStorage", "BFloat16Storage"]:
    cls = type(name, (), {})
    cls.__module__, cls.__qualname__ = "torch", name
    setattr(torch, name, cls)


def _rebuild_tensor_v2(*args):
    raise NotImplementedError


def _rebuild_parameter(*args):
    raise NotImplementedError


for fn in (_rebuild_tensor_v2, _rebuild_parameter):
    fn.__module__ = "torch._utils"
    setattr(utils, fn.__name__, fn)

FORMATS = {"FloatStorage": "<f", "DoubleStorage": "<d", "HalfStorage": "<e", "LongStorage": "<q",
           "ByteStorage": "<B", "BFloat16Storage": "<H"}


class Storage:
    def __init__(self, kind, key, values):
        self.kind, self.key, self.values = kind, key, values

    def raw(self):
        return b"".join(struct.pack(FORMATS[self.kind], v) for v in self.values)


class Tensor:
    def __init__(self, storage, offset, shape, stride, parameter=False):
        self.storage, self.offset, self.shape, self.stride, self.parameter = storage, offset, shape, stride, parameter

    def __reduce__(self):
        inner = (_rebuild_tensor_v2, (self.storage, self.offset, tuple(self.shape), tuple(self.stride), False,
                                      collections.OrderedDict()))
        if self.parameter:
            return (_rebuild_parameter, (_Rebuilt(inner), False, collections.OrderedDict()))
        return inner


class _Rebuilt:
    def __init__(self, reduced):
        self.reduced = reduced

    def __reduce__(self):
        return self.reduced


class StatePickler(pickle.Pickler):
    def __init__(self, file, legacy):
        super().__init__(file, protocol=2)
        self.legacy = legacy

    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            pid = ("storage", getattr(torch, obj.kind), obj.key, "cpu", len(obj.values))
            return pid + (None,) if self.legacy else pid
        return None


def dumps(obj, legacy=False):
    out = io.BytesIO()
    StatePickler(out, legacy).dump(obj)
    return out.getvalue()


def state_dict():
    s0 = Storage("FloatStorage", "0", [0.5 * i for i in range(6)])
    s1 = Storage("FloatStorage", "1", [1.0, -2.0, 3.0])
    s2 = Storage("HalfStorage", "2", [0.25, 1.5, -4.0, 8.0])
    d = collections.OrderedDict()
    d["conv.weight"] = Tensor(s0, 0, [2, 3], [3, 1], parameter=True)
    d["conv.bias"] = Tensor(s1, 0, [3], [1])
    d["fc.weight"] = Tensor(s0, 0, [3, 2], [1, 3])  # a transposed view
    d["fc.bias"] = Tensor(s2, 0, [2, 2], [2, 1])
    d["scale"] = Tensor(s1, 2, [], [])
    return d, [s0, s1, s2]


def write(harness, name, data):
    folder = os.path.join(ROOT, harness)
    os.makedirs(folder, exist_ok=True)
    assert len(data) < 8192, (harness, name, len(data))
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def zip_checkpoint(root, storages, method):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=method) as z:
        z.writestr("archive/data.pkl", dumps(root))
        z.writestr("archive/byteorder", "little")
        for s in storages:
            z.writestr("archive/data/" + s.key, s.raw())
        z.writestr("archive/version", "3\n")
    return out.getvalue()


def legacy_checkpoint(root, storages):
    magic = 0x1950A86A20F9469CFC6C
    info = {"protocol_version": 1001, "little_endian": True, "type_sizes": {"short": 2, "int": 4, "long": 4}}
    out = dumps(magic) + dumps(1001) + dumps(info) + dumps(root, legacy=True) + dumps([s.key for s in storages])
    for s in storages:
        out += struct.pack("<q", len(s.values)) + s.raw()
    return out


def safetensors(tensors):
    header, data = {"__metadata__": {"format": "pt"}}, b""
    for key, (dtype, shape, raw) in tensors.items():
        header[key] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


def npy(array, version=None):
    out = io.BytesIO()
    np.lib.format.write_array(out, array, version=version)
    return out.getvalue()


def main():
    root, storages = state_dict()
    wrapped = {"model_state_dict": root, "optimizer_state_dict": {"state": {}, "param_groups": []}}
    write("PickleFuzzer", "state_dict.pkl", dumps(root))
    write("PickleFuzzer", "model_state_dict.pkl", dumps(wrapped))
    write("PickleFuzzer", "containers.pkl", pickle.dumps({"a": [1, 2.5, "x", b"y", None, True], "t": (1, (2, 3)),
                                                           "s": {4, 5}, "f": frozenset([6]), "big": 1 << 80}, 4))
    agent = os.path.join(os.path.dirname(ROOT), "..", "Assets", "agent", "maze-rr5-scale1.pth")
    with zipfile.ZipFile(agent) as z:  # the bundled agent's own data.pkl (storages 0...7 exist in the harness)
        write("PickleFuzzer", "bundled_agent_data.pkl", z.read(next(n for n in z.namelist() if n.endswith("/data.pkl"))))
    write("LegacyCheckpointFuzzer", "legacy.pth", legacy_checkpoint(root, storages))
    write("LegacyCheckpointFuzzer", "legacy_wrapped.pth", legacy_checkpoint({"state_dict": root}, storages))
    write("ZipCheckpointFuzzer", "stored.pth", zip_checkpoint(root, storages, zipfile.ZIP_STORED))
    write("ZipCheckpointFuzzer", "deflated.pth", zip_checkpoint(wrapped, storages, zipfile.ZIP_DEFLATED))
    write("SafeTensorsFuzzer", "small.safetensors", safetensors({
        "conv.weight": ("F32", [2, 3], np.arange(6, dtype="<f4").tobytes()),
        "conv.bias": ("F16", [3], np.array([1, 2, 3], dtype="<f2").tobytes()),
        "steps": ("I64", [], np.array(7, dtype="<i8").tobytes()),
        "mask": ("BOOL", [2], b"\x01\x00")}))
    write("SafeTensorsFuzzer", "empty_tensor.safetensors", safetensors({"e": ("BF16", [0, 4], b"")}))
    write("NumpyFuzzer", "uint8_v1", npy(np.arange(24, dtype=np.uint8).reshape(2, 3, 4)))
    write("NumpyFuzzer", "float32_v1", npy(np.linspace(-1, 1, 5, dtype=np.float32)))
    write("NumpyFuzzer", "float32_big_endian", npy(np.arange(4, dtype=">f4").reshape(2, 2)))
    write("NumpyFuzzer", "scalar_v2", npy(np.array(3.5, dtype=np.float32), version=(2, 0)))
    write("NumpyFuzzer", "bool_v3", npy(np.array([True, False]), version=(3, 0)))
    templates = os.path.join(os.path.dirname(ROOT), "..", "Templates")
    for name in sorted(os.listdir(templates)):
        if name.endswith(".json"):
            with open(os.path.join(templates, name), "rb") as f:
                write("FigureTemplateFuzzer", name, f.read())
    write("FigureTemplateFuzzer", "every_field.json", json.dumps({
        "title": "All fields", "caption": "{change}", "panelSize": 256, "columns": 2, "panels": [
            {"kind": "heatmap", "seed": 3, "layer": "embedder.block2.res1.resadd_out", "channel": 55,
             "convention": "paper", "opacity": 0.5, "padding": True, "mouse": False, "cheese": "3,4",
             "marks": ["1,1"], "overlays": ["decision-square", "retarget-dot"], "title": "a\nb", "label": "x"},
            {"kind": "path-probability", "seed": 4, "maxAlpha": 0.9, "noCheese": True, "components": True},
            {"kind": "vfield-diff", "seed": 5, "patches": ["retarget:channels=55,value=5.5,cell=5x11"]}]}))
    for i, text in enumerate(["cheese:coeff=-1", "top-right:coeff=2,source=7", "retarget:channels=[8,55],value=5.5,cell=5x11",
                              "retarget:channels=55,square=12x18,default=0.5", "ablate:channels=8+55+77,mode=multiply,factor=0.5",
                              "ablate:channels=all,mode=mean,layer=embedder.block3.res2.resadd_out", "random:std=0.25,seed=3,coeff=1",
                              "resample:channels=cheese,source=12,cheese=target",
                              '{"kind":"retarget","channels":[55],"value":5.5,"cell":"5x11"}',
                              '{"kind":"ablate","channels":"effective","mode":"zero"}']):
        write("PatchSpecFuzzer", "spec%d" % i, text)
    for i, text in enumerate(["7", "0..20", "0...20", "0..<20", "0,2,54", "0..3,10, 12 ..<14", "2147483647"]):
        write("SeedListFuzzer", "seeds%d" % i, text)
    for i, text in enumerate(["original", "cheese:coeff=-1", "cheese vector=cheese:coeff=-1",
                              "cheese:coeff=-1;ablate:channels=55", "both = retarget:channels=55,cell=5x11; random:seed=2"]):
        write("VariantSpecFuzzer", "variant%d" % i, text)


if __name__ == "__main__":
    main()
