"""Notification receivers, each in its own task: grouped, retried until acknowledged."""

from services.alerts.receivers.alertmanager import AlertmanagerReceiver
from services.alerts.receivers.base import (
    DeliveryError,
    MalformedReply,
    Receiver,
    ReceiverWorker,
    RejectedError,
)
from services.alerts.receivers.telegram import TelegramReceiver
from services.alerts.receivers.webhook import WebhookReceiver

__all__ = ["AlertmanagerReceiver", "DeliveryError", "MalformedReply", "Receiver",
           "ReceiverWorker", "RejectedError", "TelegramReceiver", "WebhookReceiver"]
