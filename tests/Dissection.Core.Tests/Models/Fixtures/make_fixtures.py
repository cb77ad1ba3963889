# Writes the tiny checkpoints that CheckpointFixtureTests read, with real PyTorch (Debian python3-torch 1.13.1):
#   tiny_places365_legacy.pth.tar  legacy (pre-1.6) torch.save, Places365 release layout ("state_dict" + "module." keys)
#   tiny_state_dict.pt             zip-format torch.save(model.state_dict())
# The values are simple formulas so the C# test can check every element. Run: /usr/bin/python3 make_fixtures.py
from collections import OrderedDict
import torch

def state_dict():
    shared = torch.tensor([0.1, -0.2, 0.3, -0.4, 1.0, 2.0, 3.0, 4.0, 5.0])  # two biases are views of one storage
    return OrderedDict([
        ("features.0.weight", torch.arange(108, dtype=torch.float32).reshape(4, 3, 3, 3) / 100),
        ("features.0.bias", shared[0:4]),
        ("fc.weight", (torch.arange(20, dtype=torch.float32).reshape(4, 5) / 10).t()),  # non-contiguous (5,4)
        ("fc.bias", shared[4:9]),
    ])

sd = state_dict()
places = {"epoch": 90, "arch": "tiny", "best_prec1": 54.7,
          "state_dict": OrderedDict(("module." + k, v) for k, v in sd.items())}
torch.save(places, "tiny_places365_legacy.pth.tar", _use_new_zipfile_serialization=False)
torch.save(state_dict(), "tiny_state_dict.pt")
