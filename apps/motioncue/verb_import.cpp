// motioncue import: a regressor trained in PyTorch (SPIN's, EFT's or one's own HMR-style
// checkpoint) as a motioncue checkpoint that refine --init, eval, infer and export accept.
#include <filesystem>
#include <iostream>
#include <string>

#include "motioncue/body/body_model.h"
#include "motioncue/core/error.h"
#include "motioncue/model/checkpoint.h"
#include "motioncue/model/network.h"
#include "motioncue/model/pytorch_io.h"
#include "motioncue/train/run_setup.h"
#include "verb.h"

namespace {

namespace fs = std::filesystem;
namespace mc = motioncue;

struct ImportOptions {
  std::string pytorch, out;
  mc::cli::BodyFiles body;
  mc::model::NetworkConfig network;
  mc::model::ImportOptions weights;
};

// "3 names: a, b, c" with at most `shown` names listed.
std::string name_list(const std::vector<std::string>& names, size_t shown = 8) {
  std::string s = std::to_string(names.size()) + (names.size() == 1 ? " tensor" : " tensors");
  for (size_t i = 0; i < names.size() && i < shown; ++i) s += (i ? ", " : ": ") + names[i];
  if (names.size() > shown) s += ", ...";
  return s;
}

void import_checkpoint(const ImportOptions& o) {
  if (fs::exists(o.out) || fs::exists(mc::model::checkpoint_sidecar(o.out)))
    throw mc::Error("output checkpoint exists; choose a new name").file(o.out).key("--out");
  const auto parent = fs::path(o.out).parent_path();
  if (!parent.empty() && !fs::is_directory(parent))
    throw mc::Error("output folder does not exist").file(parent.string()).key("--out");
  mc::model::validate(o.network);
  // The body the network is meant to pose: recorded, so that a later verb given another body
  // refuses the checkpoint instead of posing the wrong one.
  const auto body = mc::train::load_body_model(o.body.model, c10::kCPU, o.body.keypoint_regressor);
  mc::model::PoseNetwork network(o.network, mc::model::InitialState::upright_default());
  const auto report = mc::model::import_pytorch_weights(o.pytorch, network, o.weights);
  const nlohmann::json meta = {{"kind", "imported"},
                               {"imported_from", fs::absolute(o.pytorch).string()},
                               {"entry", o.weights.entry},
                               {"body_model_hash", body.hash()},
                               {"import",
                                {{"matched", report.matched.size()},
                                 {"missing", report.missing},
                                 {"unexpected", report.unexpected}}}};
  mc::model::save_checkpoint(o.out, network, meta);
  std::cout << "imported " << report.matched.size() << " tensors from " << o.pytorch << " into "
            << o.network.backbone << " at " << o.network.resolution << " px: " << o.out << "\n";
  if (!report.missing.empty())
    std::cout << "kept their initial values (absent from the file): " << name_list(report.missing)
              << "\n";
  if (!report.unexpected.empty())
    std::cout << "ignored (not in the network): " << name_list(report.unexpected) << "\n";
}

mc::cli::VerbRegistration register_import(
    "import", "Turn a PyTorch checkpoint (SPIN/EFT/HMR layout) into a motioncue checkpoint",
    [](CLI::App& app) {
      auto o = std::make_shared<ImportOptions>();
      app.add_option("--pytorch", o->pytorch,
                     "torch.save file: a state dict, or a dict holding one (SPIN's {'model': ...})")
          ->required();
      app.add_option("--entry", o->weights.entry,
                     "the file's entry holding the state dict (default: the file itself if it "
                     "holds tensors, else 'state_dict' or 'model')");
      app.add_option("--backbone", o->network.backbone,
                     "the network's backbone (SPIN and EFT: resnet50)")
          ->required();
      app.add_option("--resolution", o->network.resolution,
                     "crop size the network was trained at (SPIN and EFT: 224)")
          ->required();
      app.add_option("--iterations", o->network.iterations, "regressor iterations (SPIN: 3)");
      app.add_option("--out", o->out, "new checkpoint file")->required();
      mc::cli::add_body_options(app, o->body);
      app.add_flag("--allow-missing", o->weights.allow_missing,
                   "network tensors the file lacks keep their initial values");
      app.add_flag("--allow-unexpected", o->weights.allow_unexpected,
                   "file tensors the network lacks are ignored");
      app.callback([o] { import_checkpoint(*o); });
    });

}  // namespace
