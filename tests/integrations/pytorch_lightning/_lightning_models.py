"""A tiny Lightning regression model for both Lightning packages, shared by the tests and the DDP script.

``pytorch_lightning`` and ``lightning.pytorch`` each check that the module is their own
``LightningModule``, so the model exists once per package.
"""

from __future__ import annotations

import lightning.pytorch
import pytorch_lightning
import torch
from torch.utils.data import DataLoader, TensorDataset

PACKAGES = {"pytorch_lightning": pytorch_lightning, "lightning": lightning.pytorch}


class _Regressor:
    def __init__(self, lr: float = 0.05) -> None:
        super().__init__()
        self.layer = torch.nn.Linear(4, 1)
        self.lr = lr

    def training_step(self, batch, batch_idx):
        x, y = batch
        return torch.nn.functional.mse_loss(self.layer(x).squeeze(-1), y)

    def validation_step(self, batch, batch_idx):
        x, y = batch
        loss = torch.nn.functional.mse_loss(self.layer(x).squeeze(-1), y)
        self.log("val_loss", loss, sync_dist=True)

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=self.lr)


class TinyRegressor(_Regressor, pytorch_lightning.LightningModule):
    """The model for ``pytorch_lightning.Trainer``."""


class TinyRegressorL(_Regressor, lightning.pytorch.LightningModule):
    """The same model for ``lightning.pytorch.Trainer``."""


MODELS = {"pytorch_lightning": TinyRegressor, "lightning": TinyRegressorL}


def loaders() -> tuple[DataLoader, DataLoader]:
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(96, 4, generator=generator)
    y = x @ torch.tensor([1.0, -1.0, 0.5, 2.0]) + 0.1 * torch.randn(96, generator=generator)
    train = DataLoader(TensorDataset(x[:64], y[:64]), batch_size=16)
    valid = DataLoader(TensorDataset(x[64:], y[64:]), batch_size=16)
    return train, valid


def trainer(callbacks, max_epochs: int, package: str = "pytorch_lightning", **kwargs):
    """A quiet CPU Trainer of ``package``; ``callbacks`` is a list or a single callback."""
    return PACKAGES[package].Trainer(
        accelerator="cpu", max_epochs=max_epochs, callbacks=callbacks, logger=False,
        enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False,
        num_sanity_val_steps=1, **kwargs,
    )
