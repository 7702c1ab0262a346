"""The `prepare` stage: splits the raw transactions into data/prepared/{train,test}.csv."""
import os

rows = open("data/raw/transactions.csv").read().splitlines()
header, body = rows[0], rows[1:]
cut = max(1, len(body) // 2)
os.makedirs("data/prepared", exist_ok=True)
open("data/prepared/train.csv", "w").write("\n".join([header] + body[:cut]) + "\n")
open("data/prepared/test.csv", "w").write("\n".join([header] + body[cut:]) + "\n")
