# Regression on the Boston-housing style tabular data.
# Old-school Keras: build the model with .add() calls.
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense, Dropout

n_features = 13

model = Sequential()
model.add(Dense(64, input_dim=n_features, activation="tanh", kernel_initializer="he_normal"))
model.add(Dense(64, activation="relu", kernel_initializer="zeros"))
model.add(Dropout(0.1))
model.add(Dense(32, activation="relu"))  # initlens: ignore[IL001]
model.add(Dense(1))

model.compile(loss="mean_squared_error", optimizer="adam")
