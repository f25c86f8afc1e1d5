#include "motioncue/model/torch_pickle.h"

#include <caffe2/serialize/inline_container.h>
#include <torch/torch.h>

#include <cstring>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

#include "motioncue/core/error.h"

namespace motioncue::model::detail {
namespace {

using Kind = PyValue::Kind;

PyRef make(Kind k) {
  auto v = std::make_shared<PyValue>();
  v->kind = k;
  return v;
}
PyRef make_int(int64_t i) {
  auto v = make(Kind::Int);
  v->i = i;
  return v;
}
PyRef make_str(Kind k, std::string s) {
  auto v = make(k);
  v->s = std::move(s);
  return v;
}

c10::ScalarType storage_dtype(const std::string& global) {
  static const std::map<std::string, c10::ScalarType> types = {
      {"torch.FloatStorage", c10::kFloat}, {"torch.DoubleStorage", c10::kDouble},
      {"torch.HalfStorage", c10::kHalf},   {"torch.BFloat16Storage", c10::kBFloat16},
      {"torch.LongStorage", c10::kLong},   {"torch.IntStorage", c10::kInt},
      {"torch.ShortStorage", c10::kShort}, {"torch.CharStorage", c10::kChar},
      {"torch.ByteStorage", c10::kByte},   {"torch.BoolStorage", c10::kBool}};
  auto it = types.find(global);
  if (it == types.end()) throw Error("unsupported tensor storage type").found(global);
  return it->second;
}

// The globals a checkpoint's pickle may name: what torch.save writes for tensors, parameters and
// state dicts (the globals torch.load(weights_only=True) accepts by default, of which this reader
// needs the ones it rebuilds), what LibTorch's archives write (restore_type_tag, and their
// TorchScript classes, which live in the `__torch__` namespace and are defined by the archive
// itself), and the storage types. Anything else (os.system, builtins.eval, subprocess.Popen, a
// numpy reconstructor) is what a hostile pickle names to run code when Python loads it: refused.
bool allowed_global(const std::string& name) {
  static const std::set<std::string> allowed = {"collections.OrderedDict",
                                                "torch._utils._rebuild_tensor",
                                                "torch._utils._rebuild_tensor_v2",
                                                "torch._utils._rebuild_parameter",
                                                "torch._utils._rebuild_parameter_with_state",
                                                "torch.jit._pickle.restore_type_tag",
                                                "torch.Size",
                                                "torch.device",
                                                "torch.FloatStorage",
                                                "torch.DoubleStorage",
                                                "torch.HalfStorage",
                                                "torch.BFloat16Storage",
                                                "torch.LongStorage",
                                                "torch.IntStorage",
                                                "torch.ShortStorage",
                                                "torch.CharStorage",
                                                "torch.ByteStorage",
                                                "torch.BoolStorage"};
  return allowed.count(name) > 0 || name.rfind("__torch__.", 0) == 0;
}

PyRef make_global(std::string name) {
  if (!allowed_global(name))
    throw Error(
        "the pickle names a global that no checkpoint holds (refused: loading it with Python "
        "would call it)")
        .key("data.pkl")
        .expected("tensors, state dicts and numbers")
        .found(name);
  return make_str(Kind::Global, std::move(name));
}

std::vector<int64_t> int_tuple(const PyValue& v, const char* what) {
  if (v.kind != Kind::Tuple && v.kind != Kind::List)
    throw Error(std::string("tensor ") + what + " is not a tuple");
  std::vector<int64_t> out;
  for (const auto& item : v.items) {
    if (item->kind != Kind::Int)
      throw Error(std::string("tensor ") + what + " holds a non-integer");
    out.push_back(item->i);
  }
  return out;
}

class Unpickler {
 public:
  Unpickler(const uint8_t* data, size_t size, caffe2::serialize::PyTorchStreamReader& reader)
      : p_(data), end_(data + size), reader_(reader) {}

  PyRef run() {
    while (true) {
      const uint8_t op = byte();
      switch (op) {
        case 0x80:
          byte();
          break;  // PROTO
        case 0x95:
          bytes(8);
          break;  // FRAME
        case '.':
          return pop();  // STOP
        case '(':
          marks_.push_back(stack_.size());
          break;  // MARK
        case ')':
          push(make(Kind::Tuple));
          break;
        case ']':
          push(make(Kind::List));
          break;
        case '}':
          push(make(Kind::Dict));
          break;
        case 'N':
          push(make(Kind::None));
          break;
        case 0x88:
        case 0x89: {
          auto v = make(Kind::Bool);
          v->i = op == 0x88;
          push(v);
          break;
        }
        case 'J':
          push(make_int(static_cast<int32_t>(le(4))));
          break;
        case 'K':
          push(make_int(static_cast<int64_t>(le(1))));
          break;
        case 'M':
          push(make_int(static_cast<int64_t>(le(2))));
          break;
        case 0x8a: {  // LONG1
          const size_t n = byte();
          uint64_t u = le(n);
          if (n > 0 && n < 8 && (u >> (8 * n - 1)) & 1) u |= ~uint64_t{0} << (8 * n);
          push(make_int(static_cast<int64_t>(u)));
          break;
        }
        case 'G': {  // BINFLOAT, big-endian
          const uint8_t* b = bytes(8);
          uint64_t u = 0;
          for (int k = 0; k < 8; ++k) u = (u << 8) | b[k];
          auto v = make(Kind::Float);
          std::memcpy(&v->f, &u, 8);
          push(v);
          break;
        }
        case 'X':
          push(make_str(Kind::Str, text(le(4))));
          break;
        case 0x8c:
          push(make_str(Kind::Str, text(byte())));
          break;
        case 'T':
        case 'B':
          push(make_str(Kind::Bytes, text(le(4))));
          break;
        case 'U':
        case 'C':
          push(make_str(Kind::Bytes, text(byte())));
          break;
        case 'c': {  // GLOBAL
          std::string module = line(), name = line();
          push(make_global(module + "." + name));
          break;
        }
        case 0x93: {  // STACK_GLOBAL
          auto name = pop(), module = pop();
          push(make_global(module->s + "." + name->s));
          break;
        }
        case 'q':
          memo_[le(1)] = top();
          break;
        case 'r':
          memo_[le(4)] = top();
          break;
        case 0x94:
          memo_[memo_.size()] = top();
          break;  // MEMOIZE
        case 'h':
          push(memo(le(1)));
          break;
        case 'j':
          push(memo(le(4)));
          break;
        case 't': {
          auto t = make(Kind::Tuple);
          t->items = pop_to_mark();
          push(t);
          break;
        }
        case 0x85:
        case 0x86:
        case 0x87: {
          auto t = make(Kind::Tuple);
          t->items.resize(op - 0x84);
          for (size_t k = t->items.size(); k-- > 0;) t->items[k] = pop();
          push(t);
          break;
        }
        case 'a': {
          auto v = pop();
          expect(top(), Kind::List)->items.push_back(v);
          break;
        }
        case 'e': {
          auto items = pop_to_mark();
          auto list = expect(top(), Kind::List);
          list->items.insert(list->items.end(), items.begin(), items.end());
          break;
        }
        case 's': {
          auto v = pop(), k = pop();
          expect(top(), Kind::Dict)->dict.emplace_back(k, v);
          break;
        }
        case 'u': {
          auto items = pop_to_mark();
          auto dict = expect(top(), Kind::Dict);
          for (size_t k = 0; k + 1 < items.size(); k += 2)
            dict->dict.emplace_back(items[k], items[k + 1]);
          break;
        }
        case 'R': {
          auto args = pop(), callable = pop();
          push(reduce(*callable, *args));
          break;
        }
        case 0x81: {  // NEWOBJ: cls.__new__(cls, *args), kept opaque (TorchScript objects)
          auto args = pop(), cls = pop();
          auto obj = make(Kind::Object);
          obj->s = cls->s;
          obj->items = args->items;
          push(obj);
          break;
        }
        case 'Q':
          push(persistent_load(*pop()));
          break;     // BINPERSID
        case 'b': {  // BUILD: the state of OrderedDicts (_metadata) and tensors is not needed
          auto state = pop();
          auto obj = top();
          if (obj->kind == Kind::Object) obj->items.push_back(state);
          break;
        }
        default:
          throw Error("unsupported pickle opcode " + std::to_string(op) + " at byte " +
                      std::to_string(p_ - 1 - begin_));
      }
    }
  }

 private:
  uint8_t byte() {
    if (p_ >= end_) throw Error("pickle stream ends early");
    return *p_++;
  }
  const uint8_t* bytes(size_t n) {
    if (static_cast<size_t>(end_ - p_) < n) throw Error("pickle stream ends early");
    const uint8_t* b = p_;
    p_ += n;
    return b;
  }
  uint64_t le(size_t n) {
    const uint8_t* b = bytes(n);
    uint64_t u = 0;
    for (size_t k = n; k-- > 0;) u = (u << 8) | b[k];
    return u;
  }
  std::string text(size_t n) {
    const uint8_t* b = bytes(n);
    return std::string(reinterpret_cast<const char*>(b), n);
  }
  std::string line() {
    std::string s;
    for (uint8_t c = byte(); c != '\n'; c = byte()) s.push_back(static_cast<char>(c));
    return s;
  }
  void push(PyRef v) { stack_.push_back(std::move(v)); }
  PyRef pop() {
    if (stack_.empty() || (!marks_.empty() && stack_.size() <= marks_.back()))
      throw Error("malformed pickle stream (stack underflow)");
    auto v = std::move(stack_.back());
    stack_.pop_back();
    return v;
  }
  PyRef top() {
    if (stack_.empty()) throw Error("malformed pickle stream (empty stack)");
    return stack_.back();
  }
  PyRef memo(uint64_t k) {
    auto it = memo_.find(k);
    if (it == memo_.end()) throw Error("malformed pickle stream (unknown memo entry)");
    return it->second;
  }
  std::vector<PyRef> pop_to_mark() {
    if (marks_.empty()) throw Error("malformed pickle stream (no mark)");
    const size_t m = marks_.back();
    marks_.pop_back();
    std::vector<PyRef> items(stack_.begin() + static_cast<std::ptrdiff_t>(m), stack_.end());
    stack_.resize(m);
    return items;
  }
  static PyRef expect(PyRef v, Kind k) {
    if (v->kind != k) throw Error("malformed pickle stream (unexpected container)");
    return v;
  }

  PyRef persistent_load(const PyValue& pid) {
    // ('storage', storage type, key, location, numel)
    if (pid.kind != Kind::Tuple || pid.items.size() < 5 || pid.items[0]->s != "storage")
      throw Error("unsupported persistent id in pickle stream");
    const std::string key = pid.items[2]->s;
    auto cached = storages_.find(key);
    if (cached != storages_.end()) return cached->second;
    const auto dtype = storage_dtype(pid.items[1]->s);
    const int64_t numel = pid.items[4]->i;
    const std::string record = "data/" + key;
    if (!reader_.hasRecord(record)) throw Error("archive lacks tensor data").key(record);
    auto [data, size] = reader_.getRecord(record);
    const size_t need = static_cast<size_t>(numel) * c10::elementSize(dtype);
    if (size < need)
      throw Error("tensor data is shorter than its header says")
          .key(record)
          .expected(std::to_string(need) + " bytes")
          .found(std::to_string(size) + " bytes");
    auto v = make(Kind::Tensor);
    v->tensor = torch::empty({numel}, torch::TensorOptions().dtype(dtype));
    std::memcpy(v->tensor.data_ptr(), data.get(), need);
    storages_[key] = v;
    return v;
  }

  PyRef reduce(const PyValue& callable, const PyValue& args) {
    const std::string& f = callable.s;
    if (callable.kind == Kind::Global && f == "collections.OrderedDict") return make(Kind::Dict);
    // LibTorch's pickler (torch::pickle_save) wraps typed containers in restore_type_tag.
    if (callable.kind == Kind::Global && f == "torch.jit._pickle.restore_type_tag" &&
        !args.items.empty())
      return args.items[0];
    if (callable.kind == Kind::Global &&
        (f == "torch._utils._rebuild_tensor_v2" || f == "torch._utils._rebuild_tensor")) {
      if (args.items.size() < 4 || args.items[0]->kind != Kind::Tensor)
        throw Error("malformed tensor record in pickle stream");
      const auto& storage = args.items[0]->tensor;
      const int64_t offset = args.items[1]->i;
      const auto size = int_tuple(*args.items[2], "size");
      const auto stride = int_tuple(*args.items[3], "stride");
      if (size.size() != stride.size()) throw Error("tensor size and stride differ in rank");
      int64_t last = offset;
      for (size_t d = 0; d < size.size(); ++d) {
        if (size[d] == 0) last = -1;
        if (last >= 0) last += (size[d] - 1) * stride[d];
      }
      if (offset < 0 || last >= storage.numel()) throw Error("tensor view exceeds its storage");
      auto v = make(Kind::Tensor);
      v->tensor = storage.as_strided(size, stride, offset).clone();
      return v;
    }
    if (callable.kind == Kind::Global && f == "torch._utils._rebuild_parameter") {
      if (args.items.empty() || args.items[0]->kind != Kind::Tensor)
        throw Error("malformed parameter record in pickle stream");
      return args.items[0];
    }
    auto obj = make(Kind::Object);  // anything else is kept opaque
    obj->s = f;
    obj->items = args.items;
    return obj;
  }

  const uint8_t* p_;
  const uint8_t* const end_;
  const uint8_t* const begin_ = p_;
  caffe2::serialize::PyTorchStreamReader& reader_;
  std::vector<PyRef> stack_;
  std::vector<size_t> marks_;
  std::unordered_map<uint64_t, PyRef> memo_;
  std::unordered_map<std::string, PyRef> storages_;
};

}  // namespace

const PyValue* PyValue::find(const std::string& key) const {
  for (const auto& [k, v] : dict)
    if (k->kind == Kind::Str && k->s == key) return v.get();
  return nullptr;
}

PyRef load_torch_pickle(const std::filesystem::path& file) {
  std::unique_ptr<caffe2::serialize::PyTorchStreamReader> reader;
  try {
    reader = std::make_unique<caffe2::serialize::PyTorchStreamReader>(file.string());
  } catch (const c10::Error& e) {
    std::string what = e.what();
    throw Error(
        "not a PyTorch zip checkpoint (torch.save's format since PyTorch 1.6; re-save "
        "older files with a current torch.save)")
        .file(file.string())
        .found(what.substr(0, what.find('\n')));
  }
  try {
    if (!reader->hasRecord("data.pkl")) throw Error("archive has no data.pkl");
    auto [data, size] = reader->getRecord("data.pkl");
    Unpickler unpickler(static_cast<const uint8_t*>(data.get()), size, *reader);
    return unpickler.run();
  } catch (Error& e) {
    throw e.file(file.string());
  } catch (const std::exception& e) {  // c10::Error and LibTorch's others
    std::string what = e.what();
    throw Error("cannot read PyTorch checkpoint")
        .file(file.string())
        .found(what.substr(0, what.find('\n')));
  }
}

void check_archive_tensors(const std::uint8_t* bytes, std::size_t size,
                           const std::filesystem::path& file) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(bytes), size));
  try {
    caffe2::serialize::PyTorchStreamReader reader(&in);
    if (!reader.hasRecord("data.pkl")) throw Error("archive has no data.pkl");
    auto [data, length] = reader.getRecord("data.pkl");
    Unpickler(static_cast<const uint8_t*>(data.get()), length, reader).run();
  } catch (Error& e) {
    throw e.file(file.string());
  } catch (const std::exception& e) {  // c10::Error and LibTorch's others
    std::string what = e.what();
    throw Error("cannot read checkpoint archive")
        .file(file.string())
        .found(what.substr(0, what.find('\n')));
  }
}

}  // namespace motioncue::model::detail
