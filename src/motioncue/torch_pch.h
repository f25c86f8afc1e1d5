// Precompiled header for the LibTorch-heavy targets. Never include this from another header.
#pragma once
#include <torch/torch.h>
