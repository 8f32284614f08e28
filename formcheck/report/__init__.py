"""What a finished analysis says: the JSON contract, the printed summary, the HTML report and the frame CSV."""
