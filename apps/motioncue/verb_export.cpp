// motioncue export: a motioncue checkpoint's weights as a PyTorch state dict (torch.load reads
// it; the names are SPIN's hmr.py names for the ResNet backbones).
#include <filesystem>
#include <iostream>
#include <string>

#include "motioncue/core/error.h"
#include "motioncue/model/checkpoint.h"
#include "motioncue/model/network.h"
#include "motioncue/model/pytorch_io.h"
#include "verb.h"

namespace {

namespace fs = std::filesystem;
namespace mc = motioncue;

struct ExportOptions {
  std::string checkpoint, out;
};

mc::cli::VerbRegistration register_export(
    "export", "Write a checkpoint's weights as a PyTorch state dict", [](CLI::App& app) {
      auto o = std::make_shared<ExportOptions>();
      app.add_option("--pytorch", o->checkpoint, "motioncue checkpoint to export")->required();
      app.add_option("--out", o->out, "new .pt file")->required();
      app.callback([o] {
        if (fs::exists(o->out))
          throw mc::Error("output file exists; choose a new name").file(o->out).key("--out");
        const auto parent = fs::path(o->out).parent_path();
        if (!parent.empty() && !fs::is_directory(parent))
          throw mc::Error("output folder does not exist").file(parent.string()).key("--out");
        const auto loaded = mc::model::load_checkpoint(o->checkpoint);
        mc::model::export_pytorch_weights(o->out, *loaded.network);
        std::cout << "exported " << loaded.network->named_parameters().size() << " parameters and "
                  << loaded.network->named_buffers().size() << " buffers of "
                  << loaded.network->config().backbone << " to " << o->out << "\n";
      });
    });

}  // namespace
